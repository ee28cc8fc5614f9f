using System.Text.Json;
using Nvsdk.Core.Cache;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Oci;
using Nvsdk.Core.Oci.Registry;
using Nvsdk.Core.Store;
using Nvsdk.Core.Unpack;
using Nvsdk.Testing;
using Nvsdk.Testing.Oci;

namespace Nvsdk.Core.Tests.Cache;

/// <summary>
/// The main threat to a signed cache: an entry whose config (and so its signature) is genuine and trusted,
/// but whose manifest now points at another layer. The pull must refuse it and register nothing: before reading
/// a layer where the config signs the layer digests, by the recomputed content hash where it does not (entries
/// pushed before layer digests were signed, whose files a pull therefore hashes).
/// </summary>
public sealed class BinaryCacheTests
{
    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TryPullAsync_TrustedSignatureButSwappedLayer_RefusedAndNothingRegistered(bool signLayers)
    {
        Skip.If(DockerRegistryServer.Executable is null, DockerRegistryServer.MissingReason);
        using var registry = await DockerRegistryServer.StartAsync();
        using var temp = new TempDir("nvsdk-cache-swap-");
        using var client = new RegistryClient();
        using var key = CacheSigningKey.Generate("ci-1");
        var cache = ImageReference.Parse($"{registry.Host}/nvsdk-cache");
        var source = NvsdkStore.Open(temp.Combine("source"));
        var good = await TreeAsync(source, "aaaaaaaaaaaa-good-1", "the real library\n");
        var other = await TreeAsync(source, "bbbbbbbbbbbb-other-1", "something else entirely\n");
        var binaryCache = new BinaryCache(client) { SignLayers = signLayers };
        await binaryCache.PushAsync(source, good, cache, key);
        await binaryCache.PushAsync(source, other, cache, key);

        // Re-tag the good entry: its own signed config, the other entry's layer.
        var goodTag = cache with { Tag = good.Name };
        var goodManifest = RegistryClient.ParseManifest(goodTag, await client.GetManifestAsync(goodTag, good.Name));
        var otherTag = cache with { Tag = other.Name };
        var otherManifest = RegistryClient.ParseManifest(otherTag, await client.GetManifestAsync(otherTag, other.Name));
        var swapped = goodManifest with { Layers = otherManifest.Layers };
        await client.PushManifestAsync(goodTag, good.Name, JsonSerializer.SerializeToUtf8Bytes(swapped, OciJsonContext.Default.OciManifest), OciMediaTypes.OciManifest);

        var fresh = NvsdkStore.Open(temp.Combine("fresh"));
        var e = await Assert.ThrowsAnyAsync<NvsdkException>(() => binaryCache.TryPullAsync(fresh, good.Name, cache, [key.PublicKey]));

        if (signLayers)
        {
            Assert.Contains("not the ones its config lists and signs", Assert.IsType<CacheTrustException>(e).Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.IsType<DigestMismatchException>(e);
        }

        Assert.Null(fresh.TryGetRecord(good.Name));
        Assert.False(Directory.Exists(fresh.Layout.EntryPath(good.Name)));
    }

    private static async Task<StoreEntryRecord> TreeAsync(NvsdkStore store, string name, string content) =>
        await store.InstallFromStreamAsync(
            name,
            async (staging, ct) =>
            {
                Directory.CreateDirectory(Path.Combine(staging, "lib64"));
                await File.WriteAllTextAsync(Path.Combine(staging, "lib64", "libx.so.1"), content, ct);
                var manifest = await TreeManifest.ReadAsync(staging, ct);
                return new StoreEntryRecord
                {
                    Name = name,
                    Kind = EntryKinds.Tree,
                    Component = "x",
                    Version = "1",
                    File = string.Empty,
                    Sha256 = manifest.Digest().Hex,
                    Size = manifest.TotalBytes,
                    Source = "test",
                    RegisteredAt = DateTimeOffset.UnixEpoch,
                };
            },
            onWait: null,
            CancellationToken.None);
}
