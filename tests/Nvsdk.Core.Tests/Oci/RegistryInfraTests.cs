using System.Formats.Tar;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Nvsdk.Testing;
using Nvsdk.Testing.Oci;
using OciMediaTypes = Nvsdk.Core.Oci.OciMediaTypes;

namespace Nvsdk.Core.Tests.Oci;

/// <summary>
/// Proves the OCI test infrastructure before anything relies on it: layouts the builder writes are what the
/// specs say, skopeo pushes them to a real docker-registry (anonymous and htpasswd) without changing a
/// digest, the registry serves them back byte for byte, and BlobPath finds the bytes it serves.
/// </summary>
public sealed class RegistryInfraTests(RegistryInfraFixture fixture) : IClassFixture<RegistryInfraFixture>
{
    private static readonly string[] ManifestAccept =
        [OciMediaTypes.OciManifest, OciMediaTypes.OciIndex, OciMediaTypes.DockerManifest, OciMediaTypes.DockerManifestList];

    [Fact]
    public void Layout_Config_DiffIdsAreSha256OfTheUncompressedLayers()
    {
        var image = fixture.Amd64;
        var config = JsonNode.Parse(File.ReadAllBytes(fixture.Layout.BlobPath(image.Config.Digest)))!;

        Assert.Equal("amd64", (string?)config["architecture"]);
        Assert.Equal("linux", (string?)config["os"]);
        var diffIds = config["rootfs"]!["diff_ids"]!.AsArray().Select(d => (string)d!).ToList();
        Assert.Equal(image.Layers.Select(l => l.DiffId), diffIds);
        Assert.Equal(2, config["history"]!.AsArray().Count);
        foreach (var layer in image.Layers)
        {
            var blob = fixture.Layout.BlobPath(layer.Blob.Digest);
            Assert.Equal(layer.Blob.Size, new FileInfo(blob).Length);
            Assert.Equal(layer.Blob.Digest, OciDigest.OfFile(blob));
            using var tar = LayerCodec.OpenUncompressed(File.OpenRead(blob), LayerCodec.FromMediaType(layer.Blob.MediaType));
            Assert.Equal(layer.DiffId, OciDigest.Of(tar));
        }

        Assert.Equal([OciMediaTypes.OciLayerGzip, OciMediaTypes.OciLayerZstd], image.Layers.Select(l => l.Blob.MediaType));
    }

    [Fact]
    public void Layout_Layers_HoldTheEntriesAsSpecified()
    {
        var lower = ReadLayer(fixture.Amd64.Layers[0]);
        var upper = ReadLayer(fixture.Amd64.Layers[1]);

        Assert.Equal(TarEntryType.Directory, lower["opt/sdk/"].EntryType);
        Assert.Equal(LayerEntry.Mode755, lower["opt/sdk/bin/tool"].Mode);
        Assert.Equal(300_000, lower["opt/sdk/lib/libbig.so"].Length);
        Assert.Equal((TarEntryType.SymbolicLink, "libbig.so"), (lower["opt/sdk/lib/libbig.so.1"].EntryType, lower["opt/sdk/lib/libbig.so.1"].LinkName));
        Assert.Equal((TarEntryType.HardLink, "opt/sdk/bin/tool"), (lower["opt/sdk/bin/tool-again"].EntryType, lower["opt/sdk/bin/tool-again"].LinkName));
        Assert.Equal(TarEntryType.RegularFile, upper["opt/sdk/.wh.old.txt"].EntryType);
        Assert.Equal(0, upper["opt/sdk/.wh.old.txt"].Length);
        Assert.Equal(0, upper["opt/sdk/cache/.wh..wh..opq"].Length);
        Assert.Contains("opt/sdk/cache/fresh", upper.Keys);
    }

    [Fact]
    public void Layout_SameSpecs_GiveTheSameDigestsEveryTime()
    {
        var again = new OciLayoutBuilder(fixture.Scratch("again")).AddImage(new OciImageSpec(RegistryInfraFixture.Layers("amd64")));

        Assert.Equal(fixture.Amd64.Manifest, again.Manifest);
        Assert.NotEqual(fixture.Amd64.Layers[0].Blob.Digest, fixture.Arm64.Layers[0].Blob.Digest);
    }

    /// <summary>
    /// Pinned, because "same digests" within one process proves nothing across processes: pax headers would
    /// carry the pid. A GNU tar of fixed entries and mtime is the same bytes in every run (benchmarks cache on it).
    /// </summary>
    [Fact]
    public void Layout_GnuLayer_HasTheSameDiffIdInEveryProcess()
    {
        var image = new OciLayoutBuilder(fixture.Scratch("pinned")).AddImage(new OciImageSpec([
            new([LayerEntry.Directory("d/"), LayerEntry.File("d/f", "f\n"), LayerEntry.RandomFile("d/r", 1000, seed: 1)]) { Compression = LayerCompression.None },
        ]));

        Assert.Equal("sha256:82aa3166511c6774e8cdfaea2548fb6704c45b91514e36389ec15253af542cc4", image.Layers[0].DiffId);
    }

    [Fact]
    public void Layout_Index_NamesEachPlatformAndIsTagged()
    {
        var index = JsonNode.Parse(File.ReadAllBytes(fixture.Layout.BlobPath(fixture.Index.Index.Digest)))!;
        var platforms = index["manifests"]!.AsArray()
            .Select(m => ((string?)m!["digest"], (string?)m["platform"]!["architecture"], (string?)m["platform"]!["variant"]))
            .ToList();

        Assert.Equal(OciMediaTypes.OciIndex, (string?)index["mediaType"]);
        Assert.Equal([(fixture.Amd64.Manifest.Digest, "amd64", null), (fixture.Arm64.Manifest.Digest, "arm64", "v8")], platforms);
        Assert.Equal(fixture.Index.Index, Skopeo.LayoutDescriptor(fixture.Layout.Directory, RegistryInfraFixture.IndexTag));
        Assert.Equal(OciMediaTypes.DockerManifestList, fixture.DockerIndex.Index.MediaType);
        Assert.All(fixture.DockerIndex.Images, i => Assert.Equal(OciMediaTypes.DockerManifest, i.Manifest.MediaType));
        Assert.All(fixture.DockerIndex.Images.SelectMany(i => i.Layers), l => Assert.Equal(OciMediaTypes.DockerLayerGzip, l.Blob.MediaType));
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Push_Image_RegistryServesTheLayoutsManifestAndBlobs(bool withAuth)
    {
        var registry = Registry(withAuth);
        var repo = $"infra/image-{Name(withAuth)}";

        var pushed = await Skopeo.CopyToRegistryAsync(fixture.Layout.Directory, RegistryInfraFixture.ImageTag, registry, repo, "v1");

        Assert.Equal(fixture.Amd64.Manifest.Digest, pushed);
        using var http = registry.CreateClient();
        await AssertManifestAsync(http, repo, "v1", fixture.Amd64.Manifest);
        foreach (var blob in fixture.Amd64.Layers.Select(l => l.Blob).Append(fixture.Amd64.Config))
        {
            var bytes = await http.GetByteArrayAsync($"v2/{repo}/blobs/{blob.Digest}");
            Assert.Equal(blob.Digest, OciDigest.Of(bytes));
            Assert.Equal(blob.Digest, OciDigest.OfFile(registry.BlobPath(blob.Digest)));
        }
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Push_Index_RegistryServesTheIndexAndEveryPlatformsManifest(bool withAuth)
    {
        var registry = Registry(withAuth);
        var repo = $"infra/index-{Name(withAuth)}";

        var pushed = await Skopeo.CopyToRegistryAsync(fixture.Layout.Directory, RegistryInfraFixture.IndexTag, registry, repo, "latest");

        Assert.Equal(fixture.Index.Index.Digest, pushed);
        await AssertIndexServedAsync(registry, repo, fixture.Index);
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RegistryPush_DockerManifestList_RegistryServesItUnchanged(bool withAuth)
    {
        var registry = Registry(withAuth, needsSkopeo: false);
        var repo = $"infra/docker-{Name(withAuth)}";
        using var http = registry.CreateClient();

        await RegistryPush.IndexAsync(http, fixture.Layout, repo, fixture.DockerIndex, "latest");

        await AssertIndexServedAsync(registry, repo, fixture.DockerIndex);
    }

    [SkippableFact]
    public async Task Skopeo_DockerListInLayout_RefusesWithAPointerToRegistryPush()
    {
        var registry = Registry(withAuth: false);

        var error = await Assert.ThrowsAsync<NotSupportedException>(() =>
            Skopeo.CopyToRegistryAsync(fixture.Layout.Directory, RegistryInfraFixture.DockerIndexTag, registry, "infra/refused", "latest"));

        Assert.Contains(nameof(RegistryPush), error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task AuthRegistry_WithoutOrWithWrongCredentials_AnswersBasicChallenge()
    {
        var registry = Registry(withAuth: true, needsSkopeo: false);
        using var anonymous = new HttpClient { BaseAddress = registry.BaseUri };
        using var wrong = new HttpClient { BaseAddress = registry.BaseUri };
        wrong.DefaultRequestHeaders.Authorization = new RegistryCredentials(registry.Username!, "wrong").BasicHeader;
        using var right = registry.CreateClient();

        using var refused = await anonymous.GetAsync("v2/");
        using var rejected = await wrong.GetAsync("v2/");
        using var accepted = await right.GetAsync("v2/");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal($"Basic realm=\"{registry.Realm}\"", refused.Headers.WwwAuthenticate.Single().ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [SkippableFact]
    public async Task Pull_IndexWithAll_LayoutHoldsTheRegistrysDigests()
    {
        var registry = Registry(withAuth: true);
        await Skopeo.CopyToRegistryAsync(fixture.Layout.Directory, RegistryInfraFixture.IndexTag, registry, "infra/pull", "latest");
        var pulled = fixture.Scratch("pulled-all");

        await Skopeo.CopyFromRegistryAsync(registry, "infra/pull", "latest", pulled, "got", new SkopeoPullOptions { All = true });

        Assert.Equal(fixture.Index.Index, Skopeo.LayoutDescriptor(pulled, "got"));
        foreach (var blob in fixture.Index.Images.SelectMany(i => i.Layers.Select(l => l.Blob).Append(i.Config).Append(i.Manifest)))
        {
            Assert.Equal(blob.Digest, OciDigest.OfFile(Path.Combine(pulled, "blobs", "sha256", blob.Hex)));
        }
    }

    [SkippableFact]
    public async Task Pull_IndexForOnePlatform_LayoutHoldsThatImageOnly()
    {
        var registry = Registry(withAuth: false);
        await Skopeo.CopyToRegistryAsync(fixture.Layout.Directory, RegistryInfraFixture.IndexTag, registry, "infra/pull-one", "latest");
        var pulled = fixture.Scratch("pulled-arm64");

        await Skopeo.CopyFromRegistryAsync(registry, "infra/pull-one", "latest", pulled, "got", new SkopeoPullOptions { Architecture = "arm64", Variant = "v8" });

        Assert.Equal(fixture.Arm64.Manifest, Skopeo.LayoutDescriptor(pulled, "got"));
        Assert.False(File.Exists(Path.Combine(pulled, "blobs", "sha256", fixture.Amd64.Manifest.Hex)));
    }

    /// <summary>
    /// The gotcha for benchmarks that compare with skopeo: its oci: destination holds only OCI manifests, so a
    /// Docker list is converted (new manifest digests; layer and config blobs kept), and --preserve-digests
    /// makes that a failure instead.
    /// </summary>
    [SkippableFact]
    public async Task Pull_DockerList_SkopeoConvertsToOciKeepingTheBlobs()
    {
        var registry = Registry(withAuth: false);
        using var http = registry.CreateClient();
        await RegistryPush.IndexAsync(http, fixture.Layout, "infra/docker-pull", fixture.DockerIndex, "latest");
        var pulled = fixture.Scratch("pulled-docker");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Skopeo.CopyFromRegistryAsync(registry, "infra/docker-pull", "latest", fixture.Scratch("pulled-docker-preserved"), "got", new SkopeoPullOptions { All = true }));
        await Skopeo.CopyFromRegistryAsync(registry, "infra/docker-pull", "latest", pulled, "got", new SkopeoPullOptions { All = true, PreserveDigests = false });

        Assert.Contains("preserve digests", refused.Message, StringComparison.Ordinal);
        var converted = Skopeo.LayoutDescriptor(pulled, "got");
        Assert.Equal(OciMediaTypes.OciIndex, converted.MediaType);
        Assert.NotEqual(fixture.DockerIndex.Index.Digest, converted.Digest);
        foreach (var blob in fixture.DockerIndex.Images.SelectMany(i => i.Layers.Select(l => l.Blob).Append(i.Config)))
        {
            Assert.True(File.Exists(Path.Combine(pulled, "blobs", "sha256", blob.Hex)), $"{blob.Digest} missing from the converted layout");
        }
    }

    [SkippableFact]
    public async Task BlobPath_Overwritten_RegistryServesTheCorruptBytes()
    {
        var registry = Registry(withAuth: false);
        await Skopeo.CopyToRegistryAsync(fixture.Layout.Directory, RegistryInfraFixture.ImageTag, registry, "infra/corrupt", "v1");
        var layer = fixture.Amd64.Layers[0].Blob;
        var path = registry.BlobPath(layer.Digest);
        var corrupt = File.ReadAllBytes(path);
        corrupt[corrupt.Length / 2] ^= 0xff;
        File.WriteAllBytes(path, corrupt);

        using var http = registry.CreateClient();
        var served = await http.GetByteArrayAsync($"v2/infra/corrupt/blobs/{layer.Digest}");

        Assert.Equal(corrupt, served);
        Assert.NotEqual(layer.Digest, OciDigest.Of(served));
    }

    [SkippableFact]
    public async Task Push_ToAuthRegistryWithoutCredentials_FailsWithSkopeosMessage()
    {
        var registry = Registry(withAuth: true);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Skopeo.CopyToRegistryAsync(fixture.Layout.Directory, RegistryInfraFixture.ImageTag, registry.Host, "infra/denied", "v1"));

        Assert.Contains("unauthorized", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Repository names must be lower case.</summary>
    private static string Name(bool withAuth) => withAuth ? "auth" : "anon";

    private async Task AssertIndexServedAsync(DockerRegistryServer registry, string repo, OciBuiltIndex index)
    {
        using var http = registry.CreateClient();
        await AssertManifestAsync(http, repo, "latest", index.Index);
        foreach (var image in index.Images)
        {
            await AssertManifestAsync(http, repo, image.Manifest.Digest, image.Manifest);
            var layer = image.Layers[^1].Blob;
            Assert.Equal(layer.Digest, OciDigest.Of(await http.GetByteArrayAsync($"v2/{repo}/blobs/{layer.Digest}")));
        }
    }

    private DockerRegistryServer Registry(bool withAuth, bool needsSkopeo = true)
    {
        CiTools.SkipIf(needsSkopeo && Skopeo.Executable is null, Skopeo.MissingReason);
        CiTools.SkipIf(fixture.Anonymous is null, DockerRegistryServer.MissingReason);
        return (withAuth ? fixture.WithAuth : fixture.Anonymous)!;
    }

    /// <summary>GET the manifest as a client would (every type in Accept): same digest header, type and bytes as the layout's.</summary>
    private async Task AssertManifestAsync(HttpClient http, string repo, string reference, OciDescriptor expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{repo}/manifests/{reference}");
        foreach (var type in ManifestAccept)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        }

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
        Assert.Equal(expected.Digest, response.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal(expected.MediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await File.ReadAllBytesAsync(fixture.Layout.BlobPath(expected.Digest)), body);
    }

    private Dictionary<string, TarEntry> ReadLayer(OciBuiltLayer layer)
    {
        using var blob = LayerCodec.OpenUncompressed(File.OpenRead(fixture.Layout.BlobPath(layer.Blob.Digest)), LayerCodec.FromMediaType(layer.Blob.MediaType));
        using var reader = new TarReader(blob);
        var entries = new Dictionary<string, TarEntry>();
        // copyData: the entries' lengths and streams stay readable after the reader moves on.
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            entries[entry.Name] = entry;
        }

        return entries;
    }
}
