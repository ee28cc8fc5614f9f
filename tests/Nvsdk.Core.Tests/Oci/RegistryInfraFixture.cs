using System.Formats.Tar;
using Nvsdk.Testing;
using Nvsdk.Testing.Oci;

namespace Nvsdk.Core.Tests.Oci;

/// <summary>
/// One OCI layout with a 2-layer amd64 image (tag "v1"), a linux/amd64 + linux/arm64/v8 index ("multi") and
/// the same index in Docker schema 2 media types ("docker-multi"); plus an anonymous and an htpasswd registry
/// when docker-registry is installed. Shared by a test class; each test pushes to its own repository.
/// </summary>
public sealed class RegistryInfraFixture : IAsyncLifetime
{
    public const string ImageTag = "v1";
    public const string IndexTag = "multi";
    public const string DockerIndexTag = "docker-multi";

    private readonly TempDir temp = new("nvsdk-registry-infra-");

    public RegistryInfraFixture()
    {
        Layout = new OciLayoutBuilder(temp.Combine("layout"));
        Amd64 = Layout.AddImage(new OciImageSpec(Layers("amd64")));
        Arm64 = Layout.AddImage(new OciImageSpec(Layers("arm64")) { Architecture = "arm64", Variant = "v8" });
        Index = Layout.AddIndex([Amd64, Arm64]);
        var dockerImages = new[] { "amd64", "arm64" }
            .Select(arch => Layout.AddImage(new OciImageSpec(Layers(arch, LayerCompression.Gzip)) { Architecture = arch, Format = ManifestFormat.Docker }))
            .ToList();
        DockerIndex = Layout.AddIndex(dockerImages, ManifestFormat.Docker);
        Layout.Tag(ImageTag, Amd64.Manifest);
        Layout.Tag(IndexTag, Index.Index);
        Layout.Tag(DockerIndexTag, DockerIndex.Index);
    }

    public OciLayoutBuilder Layout { get; }

    public OciBuiltImage Amd64 { get; }

    public OciBuiltImage Arm64 { get; }

    public OciBuiltIndex Index { get; }

    public OciBuiltIndex DockerIndex { get; }

    public DockerRegistryServer? Anonymous { get; private set; }

    public DockerRegistryServer? WithAuth { get; private set; }

    public string Scratch(string name) => temp.Combine(name);

    /// <summary>
    /// The layers a flattener meets: folders, modes, a symlink and a hard link below; above, a whiteout, an
    /// opaque folder and a replaced file, compressed differently (zstd unless Docker needs gzip) and written as
    /// pax rather than GNU tar.
    /// </summary>
    public static IReadOnlyList<OciLayerSpec> Layers(string arch, LayerCompression upper = LayerCompression.Zstd) =>
    [
        new([
            LayerEntry.Directory("opt/"),
            LayerEntry.Directory("opt/sdk/"),
            LayerEntry.File("opt/sdk/VERSION", $"1.0 {arch}\n"),
            LayerEntry.File("opt/sdk/bin/tool", $"#!/bin/sh\necho {arch}\n", LayerEntry.Mode755),
            LayerEntry.RandomFile("opt/sdk/lib/libbig.so", 300_000, seed: arch == "amd64" ? 1UL : 2UL),
            LayerEntry.Symlink("opt/sdk/lib/libbig.so.1", "libbig.so"),
            LayerEntry.HardLink("opt/sdk/bin/tool-again", "opt/sdk/bin/tool"),
            LayerEntry.File("opt/sdk/old.txt", "removed above\n"),
            LayerEntry.Directory("opt/sdk/cache/"),
            LayerEntry.File("opt/sdk/cache/stale", "hidden above\n"),
        ]),
        new([
            LayerEntry.Whiteout("opt/sdk/old.txt"),
            LayerEntry.OpaqueWhiteout("opt/sdk/cache"),
            LayerEntry.File("opt/sdk/cache/fresh", "new\n"),
            LayerEntry.File("opt/sdk/VERSION", $"1.1 {arch}\n"),
        ]) { Compression = upper, TarFormat = TarEntryFormat.Pax },
    ];

    public async Task InitializeAsync()
    {
        if (DockerRegistryServer.Executable is not null)
        {
            Anonymous = await DockerRegistryServer.StartAsync();
            WithAuth = await DockerRegistryServer.StartAsync(withAuth: true);
        }
    }

    public Task DisposeAsync()
    {
        Anonymous?.Dispose();
        WithAuth?.Dispose();
        temp.Dispose();
        return Task.CompletedTask;
    }
}
