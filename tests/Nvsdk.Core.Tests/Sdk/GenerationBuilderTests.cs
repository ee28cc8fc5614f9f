using Nvsdk.Core.Errors;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Sdk;
using Nvsdk.Core.Unpack;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Sdk;

/// <summary>
/// Component trees that are each safe on their own must not combine, in a generation, into a write outside
/// it: the issue-14 attack, unpacked by the real unpacker, then merged beside an older, live generation.
/// </summary>
public sealed class GenerationBuilderTests : IDisposable
{
    private readonly TempDir temp = new("nvsdk-genbuild-");
    private readonly string generations;
    private readonly string olderLib64;

    public GenerationBuilderTests()
    {
        generations = temp.Combine("generations");
        olderLib64 = Path.Combine(generations, "sdk-1", "lib64");
        Directory.CreateDirectory(olderLib64);
        File.CreateSymbolicLink(Path.Combine(generations, "current"), "sdk-1");
    }

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task AddComponent_LinkHopIntoOlderGeneration_RefusedAndNothingPlanted()
    {
        var (first, second) = HostileArchives.GenerationLinkHop(temp.Combine("archives"));
        var treeA = await UnpackAsync(first, "a"); // each archive passes the unpacker's own checks
        var treeZ = await UnpackAsync(second, "zzz");
        var builder = new GenerationBuilder(Staging(), SystemId.X86_64Linux);

        var e = Assert.ThrowsAny<NvsdkException>(() =>
        {
            builder.AddComponent("a", treeA);
            builder.AddComponent("zzz", treeZ);
            builder.AddStandardLinks();
        });

        Assert.Equal(ErrorCode.InvalidInput, e.Code);
        Assert.Empty(Directory.EnumerateFileSystemEntries(olderLib64));
    }

    [Fact]
    public async Task AddStandardLinks_ComponentLinkThatLeavesGenerationWhenMoved_Refused()
    {
        var (first, _) = HostileArchives.GenerationLinkHop(temp.Combine("archives"));
        var builder = new GenerationBuilder(Staging(), SystemId.X86_64Linux);
        builder.AddComponent("a", await UnpackAsync(first, "a"));

        var e = Assert.ThrowsAny<NvsdkException>(builder.AddStandardLinks);

        Assert.Contains("lib64/a/L", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddComponent_LinksInsideGeneration_Kept()
    {
        var tree = temp.Combine("ok");
        Directory.CreateDirectory(Path.Combine(tree, "targets", "x86_64-linux", "lib"));
        File.WriteAllText(Path.Combine(tree, "targets", "x86_64-linux", "lib", "libx.so.1"), "x");
        File.CreateSymbolicLink(Path.Combine(tree, "targets", "x86_64-linux", "lib", "libx.so"), "libx.so.1");
        var staging = Staging();
        var builder = new GenerationBuilder(staging, SystemId.X86_64Linux);

        builder.AddComponent("x", tree);
        builder.AddStandardLinks();

        Assert.Equal("x", File.ReadAllText(Path.Combine(staging, "targets", "x86_64-linux", "lib", "libx.so")));
    }

    private string Staging()
    {
        var staging = Path.Combine(generations, ".sdk-2.test.tmp");
        Directory.CreateDirectory(staging);
        return staging;
    }

    private async Task<string> UnpackAsync(string archive, string component)
    {
        var tree = temp.Combine("trees", component);
        await ArchiveUnpacker.UnpackAsync(archive, ArtifactFormat.TarGz, tree);
        return tree;
    }
}
