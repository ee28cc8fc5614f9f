using Nvsdk.Core.Oci.Registry;
using Nvsdk.Core.Store;
using Nvsdk.Core.Tests.Oci;
using Nvsdk.Testing;
using Nvsdk.Testing.Oci;

namespace Nvsdk.Core.Tests.Store;

/// <summary>
/// Image blobs are stored once by digest: the same image under a second name, pulled through nginx in front of
/// docker-registry so every request is counted, asks the registry for no blob again, and both store entries
/// are names of one copy of each blob (the link count says 3: blobs/ and the two entries). gc frees the blobs
/// once no entry links them.
/// </summary>
public sealed class ImageBlobStoreTests(RegistryClientFixture fixture) : IClassFixture<RegistryClientFixture>, IDisposable
{
    private readonly TempDir temp = new("nvsdk-blobs-");

    public void Dispose() => temp.Dispose();

    /// <summary>nginx in front of docker-registry, logging every request; the test image also as nvsdk/alias:v1 when asked.</summary>
    private async Task<NginxServer> CountingRegistryAsync(bool alsoAsAlias)
    {
        var registry = fixture.Require();
        if (alsoAsAlias)
        {
            await Skopeo.CopyToRegistryAsync(fixture.Images.Layout.Directory, RegistryInfraFixture.ImageTag, registry, "nvsdk/alias", "v1");
        }

        return await NginxServer.StartAsync(temp.Path, slowBytesPerSecond: 64 << 20, slowRegistry: registry.Host);
    }

    [SkippableFact]
    public async Task PullImageAsync_SameImageUnderTwoNames_DownloadsAndStoresEachBlobOnce()
    {
        using var counting = await CountingRegistryAsync(alsoAsAlias: true);
        var store = NvsdkStore.Open(temp.Combine("root"));
        using var client = new RegistryClient();

        var first = await store.PullImageAsync(ImageReference.Parse($"127.0.0.1:{counting.Port}/nvsdk/test:v1"), null, client);
        var second = await store.PullImageAsync(ImageReference.Parse($"127.0.0.1:{counting.Port}/nvsdk/alias:v1"), null, client);

        Assert.Equal(first.Record.Sha256, second.Record.Sha256);
        Assert.NotEqual(first.Record.Name, second.Record.Name);
        var blobGets = counting.ReadAccessLog().Where(l => l.Method == "GET" && l.Path.Contains("/blobs/", StringComparison.Ordinal)).ToList();
        var (_, layers) = NvsdkStore.ReadImageLayout(first.EntryPath);
        Assert.Equal(layers.Count + 1, blobGets.Count(l => l.Path.StartsWith("/v2/nvsdk/test/", StringComparison.Ordinal))); // the layers and the config
        Assert.DoesNotContain(blobGets, l => l.Path.StartsWith("/v2/nvsdk/alias/", StringComparison.Ordinal));

        var stored = Directory.GetFiles(temp.Combine("root", "blobs", "sha256"));
        Assert.Equal(layers.Count + 1, stored.Length);
        foreach (var layer in NvsdkStore.ReadImageLayout(second.EntryPath).Layers)
        {
            Assert.Equal("3", await StatAsync("%h", layer.Path)); // blobs/, the first entry and this one
            Assert.Equal(await StatAsync("%i", layer.Path), await StatAsync("%i", layer.Path.Replace(second.EntryPath, first.EntryPath, StringComparison.Ordinal)));
        }

        store.ForgetImages(first.Record.Name);
        store.ForgetImages(second.Record.Name);
        var gc = await store.CollectGarbageAsync(dryRun: false);
        Assert.Equal(stored.Select(f => $"blobs/sha256/{Path.GetFileName(f)}").Order(StringComparer.Ordinal), gc.Debris.Where(d => d.StartsWith("blobs/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Empty(Directory.GetFiles(temp.Combine("root", "blobs", "sha256")));
    }

    [SkippableFact]
    public async Task PullImageAsync_BlobAlreadyStored_NotDownloadedAgainAfterTheEntryWasRemoved()
    {
        using var counting = await CountingRegistryAsync(alsoAsAlias: false);
        var store = NvsdkStore.Open(temp.Combine("root"));
        using var client = new RegistryClient();
        var reference = ImageReference.Parse($"127.0.0.1:{counting.Port}/nvsdk/test:v1");
        var first = await store.PullImageAsync(reference, null, client);
        await store.RemoveEntryAsync(first.Record.Name, CancellationToken.None); // blobs/ keeps its copies until gc
        var before = counting.ReadAccessLog().Count(l => l.Path.Contains("/blobs/", StringComparison.Ordinal));

        var again = await store.PullImageAsync(reference, null, client);

        Assert.True(again.Downloaded);
        Assert.Equal(before, counting.ReadAccessLog().Count(l => l.Path.Contains("/blobs/", StringComparison.Ordinal)));
        var verify = await store.VerifyAsync();
        Assert.True(verify.Healthy, string.Join('\n', verify.Entries.Select(e => $"{e.Name}: {e.State} {e.Problem}")));
    }

    [SkippableFact]
    public async Task PullImageAsync_BlobOnlyInAnEntryPulledBeforeBlobsExisted_LinkedNotDownloaded()
    {
        using var counting = await CountingRegistryAsync(alsoAsAlias: true);
        var store = NvsdkStore.Open(temp.Combine("root"));
        using var client = new RegistryClient();
        var first = await store.PullImageAsync(ImageReference.Parse($"127.0.0.1:{counting.Port}/nvsdk/test:v1"), null, client);
        Directory.Delete(temp.Combine("root", "blobs"), recursive: true); // as an older nvsdk left the store
        var before = counting.ReadAccessLog().Count(l => l.Path.Contains("/blobs/", StringComparison.Ordinal));

        var second = await store.PullImageAsync(ImageReference.Parse($"127.0.0.1:{counting.Port}/nvsdk/alias:v1"), null, client);

        Assert.True(before == counting.ReadAccessLog().Count(l => l.Path.Contains("/blobs/", StringComparison.Ordinal)), string.Join('\n', counting.ReadAccessLog()));
        foreach (var layer in NvsdkStore.ReadImageLayout(second.EntryPath).Layers)
        {
            Assert.Equal(await StatAsync("%i", layer.Path), await StatAsync("%i", layer.Path.Replace(second.EntryPath, first.EntryPath, StringComparison.Ordinal)));
        }
    }

    private static async Task<string> StatAsync(string format, string path)
    {
        var result = await ProcessRunner.RunAsync("stat", ["-c", format, path]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout.Trim();
    }
}
