using Nvsdk.Core.Errors;
using Nvsdk.Core.Oci;
using Nvsdk.Core.Oci.Registry;
using Nvsdk.Core.Store;
using Nvsdk.Core.Unpack;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Oci;

/// <summary>
/// `image export`: an image skopeo pushed (a whiteout, an opaque folder, a replaced file, a symlink and a
/// hard link across two layers, gzip below and zstd above) comes out of the registry as exactly the tree a
/// container would see, and nothing is left under the asked name when the export fails.
/// </summary>
public sealed class ImageExportTests(RegistryClientFixture fixture) : IClassFixture<RegistryClientFixture>
{
    [SkippableFact]
    public async Task Export_AppliesLayersInOrder_ExactTree()
    {
        var registry = fixture.Require();
        using var root = new TempDir("nvsdk-export-");
        var store = NvsdkStore.Open(root.Combine("store"));
        using var client = new RegistryClient();
        var pulled = await store.PullImageAsync(fixture.Ref(registry, "multi"), OciPlatforms.Amd64, client);

        var result = await NvsdkStore.ExportImageAsync(pulled.EntryPath, root.Combine("rootfs"));

        var tree = await TreeManifest.ReadAsync(root.Combine("rootfs"));
        Assert.Equal(
            [
                "opt", "opt/sdk", "opt/sdk/VERSION", "opt/sdk/bin", "opt/sdk/bin/tool", "opt/sdk/bin/tool-again",
                "opt/sdk/cache", "opt/sdk/cache/fresh", "opt/sdk/lib", "opt/sdk/lib/libbig.so", "opt/sdk/lib/libbig.so.1",
            ],
            tree.Items.Select(i => i.Key));
        Assert.Equal("1.1 amd64\n", File.ReadAllText(root.Combine("rootfs", "opt/sdk/VERSION")));
        Assert.Equal("libbig.so", new FileInfo(root.Combine("rootfs", "opt/sdk/lib/libbig.so.1")).LinkTarget);
        Assert.True(tree.TryGet("opt/sdk/bin/tool", out var tool) && tool.Executable);
        Assert.True(tree.TryGet("opt/sdk/bin/tool-again", out var again) && again.Digest == tool.Digest);
        Assert.Equal(300_000, new FileInfo(root.Combine("rootfs", "opt/sdk/lib/libbig.so")).Length);
        Assert.Equal(tree.Digest(), result.Manifest.Digest());
    }

    [SkippableFact]
    public async Task Export_IntoAFolderWithFiles_IsRefused_AndLeavesItAlone()
    {
        var registry = fixture.Require();
        using var root = new TempDir("nvsdk-export-");
        var store = NvsdkStore.Open(root.Combine("store"));
        using var client = new RegistryClient();
        var pulled = await store.PullImageAsync(fixture.Ref(registry, "v1"), null, client);
        Directory.CreateDirectory(root.Combine("busy"));
        File.WriteAllText(root.Combine("busy", "mine"), "keep\n");

        var error = await Assert.ThrowsAsync<UsageException>(() => NvsdkStore.ExportImageAsync(pulled.EntryPath, root.Combine("busy")));

        Assert.Contains("is not an empty folder", error.Message, StringComparison.Ordinal);
        Assert.Equal(["mine"], Directory.EnumerateFileSystemEntries(root.Combine("busy")).Select(Path.GetFileName));
        Assert.Equal(["busy", "store"], Directory.EnumerateFileSystemEntries(root.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
