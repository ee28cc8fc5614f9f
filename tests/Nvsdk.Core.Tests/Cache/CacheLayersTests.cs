using Nvsdk.Core.Cache;
using Nvsdk.Core.Oci.Registry;
using Nvsdk.Core.Platform;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Store;
using Nvsdk.Core.Unpack;
using Nvsdk.Testing;
using Nvsdk.Testing.Oci;

namespace Nvsdk.Core.Tests.Cache;

/// <summary>
/// A large tree travels as several zstd layers pulled side by side, through Debian's docker-registry; entries
/// pushed as one layer (the format before the split) still pull; either way the tree is exactly the signed one.
/// </summary>
public sealed class CacheLayersTests : IAsyncLifetime
{
    private readonly TempDir temp = new("nvsdk-cache-layers-");
    private readonly CacheSigningKey key = CacheSigningKey.Generate("layers-1");
    private DockerRegistryServer? registry;
    private StoreEntryRecord? entry;
    private NvsdkStore? source;

    public async Task InitializeAsync()
    {
        if (DockerRegistryServer.Executable is null)
        {
            return;
        }

        registry = await DockerRegistryServer.StartAsync();
        var dir = temp.Combine("src");
        Directory.CreateDirectory(dir);
        var top = "libcublas-linux-x86_64-13.2.0.9-archive";
        var built = await FixtureArchives.TarXzAsync(dir, "cublas", "13.2.0.9", SystemId.X86_64Linux, top + ".tar.xz", top, [
            .. Enumerable.Range(0, 12).Select(i => FixtureEntry.File($"lib/libpart{i:00}.so", FixtureArchives.Payload(40_000 + (i * 1000), i), executable: i % 3 == 0)),
            FixtureEntry.Text("include/cublas.h", "#define CUBLAS 1\n"),
            FixtureEntry.Link("lib/libcublas.so", "libpart00.so"),
            FixtureEntry.Link("lib64", "lib"),
        ]);
        source = NvsdkStore.Open(temp.Combine("source"));
        var artifact = TestArtifacts.For(await File.ReadAllBytesAsync(built.Path), top + ".tar.xz", new Uri(built.Path).AbsoluteUri);
        using var downloader = new global::Nvsdk.Core.Fetch.ArtifactDownloader(new global::Nvsdk.Core.Fetch.FetchOptions());
        var (tree, _) = await source.EnsureTreeStreamingAsync(artifact, downloader);
        entry = tree.Record;
    }

    public Task DisposeAsync()
    {
        registry?.Dispose();
        temp.Dispose();
        return Task.CompletedTask;
    }

    private async Task<(int Layers, TreeInstallResult Pulled, NvsdkStore Store)> RoundTripAsync(string repository, BinaryCache pusher)
    {
        Skip.If(registry is null, DockerRegistryServer.MissingReason);
        var cache = ImageReference.Parse($"{registry!.Host}/{repository}");
        using var client = new RegistryClient();
        Assert.True(await pusher.PushAsync(source!, entry!, cache, key));
        var manifest = RegistryClient.ParseManifest(cache with { Tag = entry!.Name }, await client.GetManifestAsync(cache with { Tag = entry.Name }, entry.Name));

        var store = NvsdkStore.Open(temp.Combine(repository.Replace('/', '-')));
        var pulled = await new BinaryCache(client).TryPullAsync(store, entry.Name, cache, [key.PublicKey]);
        Assert.NotNull(pulled);
        return (manifest.Layers.Count, pulled!, store);
    }

    private async Task AssertSameTreeAsync(TreeInstallResult pulled, NvsdkStore store)
    {
        Assert.Equal(entry!.Sha256, pulled.Record.Sha256);
        Assert.Equal(entry.Sha256, (await TreeManifest.ReadAsync(pulled.EntryPath)).Digest().Hex);
        Assert.Equal("libpart00.so", new FileInfo(Path.Combine(pulled.EntryPath, "lib/libcublas.so")).LinkTarget);
        Assert.True((await store.VerifyAsync()).Healthy);
    }

    [SkippableFact]
    public async Task LargeTree_IsPushedAsSeveralLayers_AndPulledWhole()
    {
        using var client = new RegistryClient();
        var (layers, pulled, store) = await RoundTripAsync("split", new BinaryCache(client) { LayerPlan = root => TreeLayers.Plan(root, targetBytes: 100_000) });

        Assert.InRange(layers, 4, 12);
        await AssertSameTreeAsync(pulled, store);
    }

    [SkippableFact]
    public async Task FilesLargerThanALayer_TravelAsPartsInAV2Entry_AndPullWhole()
    {
        using var client = new RegistryClient();
        var (layers, pulled, store) = await RoundTripAsync("parts", new BinaryCache(client) { LayerPlan = root => TreeLayers.Plan(root, targetBytes: 16_000) });

        var manifest = await ManifestAsync("parts");
        Assert.Equal(CacheEntryConfig.MediaTypeWithParts, manifest.Config.MediaType);
        Assert.Equal(manifest.Layers.Select(l => l.Digest), (await ConfigAsync("parts")).Layers);
        Assert.True(layers > 24, $"{layers} layers"); // 12 files of 40-51 kB, each in three or four parts
        await AssertSameTreeAsync(pulled, store);
        Assert.True((new FileInfo(Path.Combine(pulled.EntryPath, "lib/libpart00.so")).UnixFileMode & UnixFileMode.UserExecute) != 0);
    }

    [SkippableFact]
    public async Task EntryWithoutLayerSignatures_AsOlderNvsdkPushed_PullsByHashingItsFiles()
    {
        using var client = new RegistryClient();
        var (_, pulled, store) = await RoundTripAsync("unsigned-layers", new BinaryCache(client) { SignLayers = false, LayerPlan = root => TreeLayers.Plan(root, targetBytes: 16_000) });

        Assert.Null((await ConfigAsync("unsigned-layers")).LayerSignatures);
        await AssertSameTreeAsync(pulled, store);
    }

    [SkippableFact]
    public async Task PushingAgain_UpgradesAnEntryWithoutLayerSignatures_AndThenHoldsIt()
    {
        Skip.If(registry is null, DockerRegistryServer.MissingReason);
        var cache = ImageReference.Parse($"{registry!.Host}/upgrade");
        using var client = new RegistryClient();
        Assert.True(await new BinaryCache(client) { SignLayers = false }.PushAsync(source!, entry!, cache, key));
        Assert.False(await new BinaryCache(client) { SignLayers = false }.PushAsync(source!, entry!, cache, key));

        Assert.True(await new BinaryCache(client).PushAsync(source!, entry!, cache, key));
        Assert.False(await new BinaryCache(client).PushAsync(source!, entry!, cache, key));
        Assert.NotNull((await ConfigAsync("upgrade")).LayerSignatures);
    }

    [SkippableFact]
    public async Task AnEntryMissingTheLayerOfOnePart_IsRefusedAndLeavesNothing()
    {
        // Layer digests unsigned (an older entry): the cut manifest gets past the signature, and the join refuses it.
        using var client = new RegistryClient();
        await RoundTripAsync("cut", new BinaryCache(client) { SignLayers = false, LayerPlan = root => TreeLayers.Plan(root, targetBytes: 16_000) });
        var cache = ImageReference.Parse($"{registry!.Host}/cut");
        var tagged = cache with { Tag = entry!.Name };
        var manifest = await ManifestAsync("cut");
        var cut = manifest with { Layers = [.. manifest.Layers.Skip(1)] }; // the signature covers the tree, not the layer list
        await client.PushManifestAsync(tagged, entry.Name, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(cut, global::Nvsdk.Core.Oci.OciJsonContext.Default.OciManifest), global::Nvsdk.Core.Oci.OciMediaTypes.OciManifest);

        var store = NvsdkStore.Open(temp.Combine("cut-store"));
        var e = await Assert.ThrowsAsync<global::Nvsdk.Core.Errors.UnsafeArchiveException>(() => new BinaryCache(client).TryPullAsync(store, entry.Name, cache, [key.PublicKey]));

        Assert.Contains("its parts cover", e.Message, StringComparison.Ordinal);
        Assert.Null(store.TryGetRecord(entry.Name));
        Assert.False(Directory.Exists(store.Layout.EntryPath(entry.Name)));
        Assert.Empty(Directory.Exists(store.Layout.StagingDir) ? Directory.EnumerateFileSystemEntries(store.Layout.StagingDir) : []);
    }

    private async Task<CacheEntryConfig> ConfigAsync(string repository)
    {
        using var client = new RegistryClient();
        var tagged = ImageReference.Parse($"{registry!.Host}/{repository}") with { Tag = entry!.Name };
        var bytes = await client.ReadSmallBlobAsync(tagged, (await ManifestAsync(repository)).Config, 1 << 20, "config", CancellationToken.None);
        return System.Text.Json.JsonSerializer.Deserialize(bytes, CacheJsonContext.Default.CacheEntryConfig)!;
    }

    private async Task<global::Nvsdk.Core.Oci.OciManifest> ManifestAsync(string repository)
    {
        using var client = new RegistryClient();
        var tagged = ImageReference.Parse($"{registry!.Host}/{repository}") with { Tag = entry!.Name };
        return RegistryClient.ParseManifest(tagged, await client.GetManifestAsync(tagged, entry.Name));
    }

    [SkippableFact]
    public async Task ManyLayersOfSeveralEntries_DecodeWithinOneBound()
    {
        Skip.If(registry is null, DockerRegistryServer.MissingReason);
        var cache = ImageReference.Parse($"{registry!.Host}/bounded");
        using (var pushClient = new RegistryClient())
        {
            Assert.True(await new BinaryCache(pushClient) { LayerPlan = root => TreeLayers.Plan(root, targetBytes: 50_000) }.PushAsync(source!, entry!, cache, key));
        }

        // Three installs' worth of pulls through one cache whose client allows two workers: two decoders at most.
        using var client = new RegistryClient(new RegistryClientOptions { Fetch = new global::Nvsdk.Core.Fetch.FetchOptions { Parallelism = 2 } });
        var binary = new BinaryCache(client);
        var stores = Enumerable.Range(0, 3).Select(i => NvsdkStore.Open(temp.Combine($"bounded-{i}"))).ToList();
        var pulled = await Task.WhenAll(stores.Select(s => binary.TryPullAsync(s, entry!.Name, cache, [key.PublicKey])));

        Assert.InRange(binary.PeakDecoders, 1, 2);
        for (var i = 0; i < stores.Count; i++)
        {
            await AssertSameTreeAsync(pulled[i]!, stores[i]);
        }
    }

    [SkippableFact]
    public async Task SingleLayerEntry_AsPushedBeforeTheSplit_StillPulls()
    {
        using var client = new RegistryClient();
        var (layers, pulled, store) = await RoundTripAsync("legacy", new BinaryCache(client) { LayerPlan = root => [TreeWalker.Walk(root).Select(LayerMember.Whole).ToList()] });

        Assert.Equal(1, layers);
        await AssertSameTreeAsync(pulled, store);
    }

    [Fact]
    public void Plan_PutsEveryFileOnceAndFoldersAndLinksLast()
    {
        var root = temp.Combine("plan");
        Directory.CreateDirectory(Path.Combine(root, "lib"));
        Directory.CreateDirectory(Path.Combine(root, "empty"));
        for (var i = 0; i < 5; i++)
        {
            File.WriteAllBytes(Path.Combine(root, "lib", $"f{i}"), new byte[1000]);
        }

        File.CreateSymbolicLink(Path.Combine(root, "lib", "link"), "f0");
        var plan = TreeLayers.Plan(root, targetBytes: 2000);

        Assert.Equal(3, plan.Count);
        Assert.Equal(5, plan.Sum(l => l.Count(m => m.Info is FileInfo && m.Info.LinkTarget is null)));
        Assert.All(plan.SkipLast(1), l => Assert.All(l, m => Assert.True(m.Info is FileInfo && m.Info.LinkTarget is null)));
        Assert.Contains(plan[^1], m => m.Info.Name == "empty");
        Assert.Contains(plan[^1], m => m.Info.Name == "link");
        Assert.False(TreeLayers.HasParts(plan));
    }

    [Fact]
    public void Plan_CutsAFileLargerThanALayerIntoBalancedPartsEachInItsOwnLayer()
    {
        var root = temp.Combine("plan-big");
        Directory.CreateDirectory(Path.Combine(root, "lib"));
        File.WriteAllBytes(Path.Combine(root, "lib", "huge"), new byte[7001]);
        File.WriteAllBytes(Path.Combine(root, "lib", "small"), new byte[100]);

        var plan = TreeLayers.Plan(root, targetBytes: 2000);

        var parts = plan.Where(l => l.Any(m => m.IsPart)).ToList();
        Assert.Equal(4, parts.Count); // 7001 bytes in layers of 2000: four parts of 1751 or fewer
        Assert.All(parts, l => Assert.Single(l));
        Assert.Equal(7001, parts.Sum(l => l[0].Length));
        Assert.Equal(Enumerable.Range(0, 4).Select(i => i * 1751L), parts.Select(l => l[0].Offset));
        Assert.Contains(plan[^1], m => m.Info.Name == "small" && !m.IsPart);
        Assert.True(TreeLayers.HasParts(plan));
    }
}
