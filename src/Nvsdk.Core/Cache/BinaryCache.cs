using System.Security.Cryptography;
using System.Text.Json;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Fetch;
using Nvsdk.Core.Oci;
using Nvsdk.Core.Oci.Registry;
using Nvsdk.Core.Platform;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Store;
using Nvsdk.Core.Unpack;
using ZstdSharp;

namespace Nvsdk.Core.Cache;

/// <summary>
/// A signed binary cache in any OCI registry. Each store tree travels as one OCI artifact tagged with the
/// entry's name: a config blob (<see cref="CacheEntryConfig"/>: name, content hash, signatures) and tar+zstd
/// layers, several for a large tree (<see cref="TreeLayers"/>) so a pull decodes them on every core. zstd, because NVIDIA's single-block xz decodes at ~50 MB/s on two cores while zstd
/// decodes at ~1 GB/s: an install from the cache is bound by the disk, not by the decoder.
/// A pull checks the signature against the trusted keys before any byte of the layer is read, unpacks the
/// layer while it streams in (verified against its digest) into staging, recomputes the tree's manifest
/// and registers the entry only if it equals the signed content hash.
/// </summary>
public sealed class BinaryCache(RegistryClient client)
{
    /// <summary>zstd level 3 (zstd's default): the push is done once, the decode speed is what matters.</summary>
    private const int CompressionLevel = 3;

    /// <summary>
    /// Layers decoding at once across every entry this cache pulls: an install pulls several entries side by side,
    /// and a bound per entry would multiply (16 entries × 16 layers on 16 cores: 256 decoders, each with its
    /// zstd window and read-ahead chunks). One decoder per worker keeps the cores busy and the memory bounded.
    /// </summary>
    private readonly SemaphoreSlim decoders = new(Math.Max(1, client.Options.Fetch.Parallelism));
    private int decoding;
    private int peakDecoders;

    /// <summary>The most layers that were ever decoding at once (what a test of the bound reads).</summary>
    internal int PeakDecoders => Volatile.Read(ref peakDecoders);

    /// <summary>How a tree is cut into layers; tests use small layers, or one (the format before layers were split).</summary>
    /// <summary>Whether a push signs its layer digests too; tests turn it off to push an entry as older nvsdk did.</summary>
    internal bool SignLayers { get; init; } = true;

    internal Func<string, IReadOnlyList<IReadOnlyList<LayerMember>>> LayerPlan { get; init; } = root => TreeLayers.Plan(root);

    /// <summary>Pushes one tree entry unless the cache already has it. Returns whether anything was uploaded.</summary>
    public async Task<bool> PushAsync(NvsdkStore store, StoreEntryRecord record, ImageReference cache, CacheSigningKey key, CancellationToken cancellationToken = default)
    {
        if (record.Kind != EntryKinds.Tree)
        {
            throw new UsageException($"{record.Name} is a {record.Kind} entry; the cache carries unpacked trees (what `install` needs)");
        }

        var tagged = cache with { Tag = record.Name, Digest = null };
        if (await HoldsAsync(tagged, record, cancellationToken).ConfigureAwait(false))
        {
            return false; // signatures are randomised: re-pushing would only churn the config blob
        }

        var tree = store.Layout.EntryPath(record.Name);
        var plan = LayerPlan(tree);
        var temps = plan.Select((_, i) => Path.Combine(store.Layout.DownloadsDir, $"cache-push-{record.Name}.{i}.{Environment.ProcessId}.tmp")).ToList();
        try
        {
            var layers = new List<OciDescriptor>();
            for (var i = 0; i < plan.Count; i++)
            {
                layers.Add(await WriteLayerAsync(tree, plan[i], temps[i], cancellationToken).ConfigureAwait(false));
            }

            var config = new CacheEntryConfig
            {
                Name = record.Name,
                Kind = record.Kind,
                Component = record.Component,
                Version = record.Version,
                Sha256 = record.Sha256,
                Size = record.Size,
                Signatures = [key.Sign(CacheEntryConfig.SignedPayload(record.Name, record.Kind, record.Sha256))],
                Layers = SignLayers ? [.. layers.Select(l => l.Digest)] : null,
                LayerSignatures = SignLayers ? [key.Sign(CacheEntryConfig.SignedLayersPayload(record.Name, record.Kind, record.Sha256, layers.Select(l => l.Digest)))] : null,
            };
            var configBytes = JsonSerializer.SerializeToUtf8Bytes(config, CacheJsonContext.Default.CacheEntryConfig);
            // An entry with file parts says so in its config's type: an nvsdk that cannot join parts refuses it by name.
            var configType = TreeLayers.HasParts(plan) ? CacheEntryConfig.MediaTypeWithParts : CacheEntryConfig.MediaType;
            var configDescriptor = new OciDescriptor { MediaType = configType, Digest = $"sha256:{Sha256Digest.Of(configBytes).Hex}", Size = configBytes.Length };
            var uploaded = false;
            for (var i = 0; i < layers.Count; i++)
            {
                var temp = temps[i];
                uploaded |= await client.PushBlobAsync(tagged, layers[i], () => File.OpenRead(temp), cancellationToken).ConfigureAwait(false);
            }

            uploaded |= await client.PushBlobAsync(tagged, configDescriptor, () => new MemoryStream(configBytes), cancellationToken).ConfigureAwait(false);
            var manifest = new OciManifest
            {
                MediaType = OciMediaTypes.OciManifest,
                ArtifactType = CacheEntryConfig.ArtifactType,
                Config = configDescriptor,
                Layers = layers,
                Annotations = new Dictionary<string, string>
                {
                    ["org.opencontainers.image.title"] = record.Name,
                    ["io.nvsdk.entry.sha256"] = record.Sha256,
                },
            };
            var manifestBytes = JsonSerializer.SerializeToUtf8Bytes(manifest, OciJsonContext.Default.OciManifest);
            await client.PushManifestAsync(tagged, record.Name, manifestBytes, OciMediaTypes.OciManifest, cancellationToken).ConfigureAwait(false);
            return uploaded;
        }
        finally
        {
            foreach (var temp in temps)
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>
    /// Pulls the tree <paramref name="entryName"/> from <paramref name="cache"/> into the store. Returns null
    /// when the cache does not have it; throws when it has it but the signature or content is wrong.
    /// </summary>
    public async Task<TreeInstallResult?> TryPullAsync(
        NvsdkStore store,
        string entryName,
        ImageReference cache,
        IReadOnlyList<TrustedKey> trusted,
        Action<FetchEvent>? report = null,
        CancellationToken cancellationToken = default,
        DurabilityBatch? batch = null)
    {
        if (store.TryGetRecord(entryName) is { } present)
        {
            return new TreeInstallResult(present, false, store.Layout.EntryPath(present.Name));
        }

        var tagged = cache with { Tag = entryName, Digest = null };
        ManifestResponse response;
        try
        {
            response = await client.GetManifestAsync(tagged, entryName, cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException e) when (e.Status == 404)
        {
            return null;
        }

        var manifest = RegistryClient.ParseManifest(tagged, response);
        if (manifest.Config.MediaType is not (CacheEntryConfig.MediaType or CacheEntryConfig.MediaTypeWithParts) || manifest.Layers.Count is 0 or > TreeLayers.MaxLayers || manifest.Layers.Any(l => l.MediaType != OciMediaTypes.OciLayerZstd))
        {
            throw new RegistryException($"{tagged}: not an nvsdk cache entry (config {manifest.Config.MediaType}, {manifest.Layers.Count} layers)");
        }

        var config = await ReadConfigAsync(tagged, manifest, cancellationToken).ConfigureAwait(false);
        var layersSigned = CheckSignature(tagged, entryName, config, manifest, trusted);
        var what = $"{entryName} (cache)";
        var total = manifest.Layers.Sum(l => l.Size);
        var received = new long[manifest.Layers.Count];
        var record = await store.InstallFromStreamAsync(
            entryName,
            async (staging, ct) =>
            {
                using var timing = PhaseTimings.Measure($"cache pull {entryName}: {manifest.Layers.Count} layers, {total >> 20} MiB, {ZstdDecoders.Name}, {(layersSigned ? "signed layers" : "files hashed")}");
                report?.Invoke(new FetchEvent.Started(what, client.RepositoryUri(tagged, $"blobs/{manifest.Layers[0].Digest}"), 0, total));
                using var parts = new FilePartJoiner();
                var writers = manifest.Layers.Select(l => new SafeTreeWriter(staging, tagged.ToString(), l.Size, new UnpackLimits()) { Parts = parts, HashFiles = !layersSigned }).ToList();
                var parallel = new ParallelOptions { MaxDegreeOfParallelism = MachineCapacity.For(writers.Count, client.Options.Fetch.Parallelism), CancellationToken = ct };
                MachineCapacity.ReserveThreads(client.Options.Fetch.Parallelism);
                await Parallel.ForEachAsync(Enumerable.Range(0, writers.Count), parallel, async (i, lct) =>
                {
                    await decoders.WaitAsync(lct).ConfigureAwait(false);
                    var now = Interlocked.Increment(ref decoding);
                    for (var peak = peakDecoders; now > peak && Interlocked.CompareExchange(ref peakDecoders, now, peak) != peak; peak = peakDecoders)
                    {
                    }

                    try
                    {
                        await PullLayerAsync(tagged, manifest.Layers[i], writers[i], n =>
                        {
                            Interlocked.Exchange(ref received[i], n);
                            report?.Invoke(new FetchEvent.Progress(what, received.Sum(), total));
                        }, lct).ConfigureAwait(false);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref decoding);
                        decoders.Release();
                    }
                }).ConfigureAwait(false);

                if (parts.Incomplete() is [var (partial, written, size), ..])
                {
                    throw new UnsafeArchiveException(tagged.ToString(), partial, $"its parts cover {written} of its {size} bytes (a layer is missing)");
                }

                // Symlinks only now, after every layer's files: no file is ever written through one.
                var tree = new TreeManifest();
                foreach (var writer in writers)
                {
                    foreach (var (path, item) in writer.Complete().Items)
                    {
                        if (tree.TryGet(path, out var seen) && seen != item)
                        {
                            throw new UnsafeArchiveException(tagged.ToString(), path, "two layers disagree about it");
                        }

                        tree.Add(path, item);
                    }
                }

                // Signed layers were checked byte for byte as they streamed in; otherwise the files were hashed.
                if (!layersSigned && tree.Digest().Hex != config.Sha256)
                {
                    throw new DigestMismatchException($"{tagged}: the unpacked tree", Sha256Digest.Parse(config.Sha256), tree.Digest(), tree.TotalBytes);
                }

                report?.Invoke(new FetchEvent.Done(what, true, total));
                return new StoreEntryRecord
                {
                    Name = entryName,
                    Kind = EntryKinds.Tree,
                    Component = config.Component,
                    Version = config.Version,
                    File = string.Empty,
                    Sha256 = config.Sha256,
                    Size = tree.TotalBytes,
                    Source = $"{tagged}@sha256:{response.Digest.Hex}",
                    RegisteredAt = DateTimeOffset.UtcNow,
                };
            },
            m => report?.Invoke(new FetchEvent.Waiting(what, m)),
            cancellationToken,
            batch).ConfigureAwait(false);
        return new TreeInstallResult(record, true, store.Layout.EntryPath(record.Name));
    }

    /// <summary>Streams one layer into its writer: download and zstd (native libzstd where present) on one core, tar, SHA-256 and writes on another.</summary>
    private async Task PullLayerAsync(ImageReference tagged, OciDescriptor layer, SafeTreeWriter writer, Action<long> progress, CancellationToken cancellationToken)
    {
        var blob = await client.OpenBlobAsync(tagged, layer, cancellationToken).ConfigureAwait(false);
        await using (blob.ConfigureAwait(false))
        {
            var counting = new ProgressStream(blob, progress);
            var zstd = ZstdDecoders.Open(counting, leaveOpen: true);
            await using (zstd.ConfigureAwait(false))
            {
                var ahead = new ReadAheadStream(zstd);
                await using (ahead.ConfigureAwait(false))
                {
                    await TarUnpacker.UnpackAsync(ahead, writer, LayoutRule.Identity(), cancellationToken).ConfigureAwait(false);
                }

                // Read to the end, so the verifying stream checks the layer's digest and size.
                await counting.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Whether the cache already has this entry with the same content hash.</summary>
    private async Task<bool> HoldsAsync(ImageReference tagged, StoreEntryRecord record, CancellationToken cancellationToken)
    {
        try
        {
            var response = await client.GetManifestAsync(tagged, record.Name, cancellationToken).ConfigureAwait(false);
            var manifest = RegistryClient.ParseManifest(tagged, response);
            // An entry pushed before layer digests were signed is pushed again, so pulls stop hashing every file.
            return manifest.Annotations?.GetValueOrDefault("io.nvsdk.entry.sha256") == record.Sha256
                && manifest.Layers.Count > 0
                && await client.BlobExistsAsync(tagged, manifest.Layers[^1].Digest, cancellationToken).ConfigureAwait(false)
                && (!SignLayers || (await ReadConfigAsync(tagged, manifest, cancellationToken).ConfigureAwait(false)).LayerSignatures is { Count: > 0 });
        }
        catch (RegistryException e) when (e.Status == 404)
        {
            return false;
        }
    }

    private async Task<CacheEntryConfig> ReadConfigAsync(ImageReference tagged, OciManifest manifest, CancellationToken cancellationToken)
    {
        var bytes = await client.ReadSmallBlobAsync(tagged, manifest.Config, 1 << 20, "the cache entry's config", cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonSerializer.Deserialize(bytes, CacheJsonContext.Default.CacheEntryConfig)
                ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new RegistryException($"{tagged}: the cache entry's config is malformed ({e.Message})", innerException: e);
        }
    }

    /// <summary>
    /// The entry must be the one asked for and signed, over its content hash, by a trusted key. Returns whether a
    /// trusted key also signed its layer digests (and the manifest lists exactly those): the pull then need not
    /// hash the files. Layers that differ from the signed ones are refused outright.
    /// </summary>
    private static bool CheckSignature(ImageReference tagged, string entryName, CacheEntryConfig config, OciManifest manifest, IReadOnlyList<TrustedKey> trusted)
    {
        if (config.Name != entryName || config.Kind != EntryKinds.Tree || !Sha256Digest.TryParse(config.Sha256, out _))
        {
            throw new CacheTrustException($"{tagged}: the entry describes '{config.Name}' ({config.Kind}), not {entryName}; refusing it");
        }

        if (config.Layers is { } signedLayers && !signedLayers.SequenceEqual(manifest.Layers.Select(l => l.Digest), StringComparer.Ordinal))
        {
            throw new CacheTrustException($"{tagged}: the manifest's layers are not the ones its config lists and signs; refusing it");
        }

        if (config.Layers is { } layers && config.LayerSignatures is { } layerSignatures
            && SignedBy(layerSignatures, CacheEntryConfig.SignedLayersPayload(config.Name, config.Kind, config.Sha256, layers), trusted, []))
        {
            return true;
        }

        var signers = new List<string>();
        if (SignedBy(config.Signatures, CacheEntryConfig.SignedPayload(config.Name, config.Kind, config.Sha256), trusted, signers))
        {
            return false;
        }

        throw new CacheTrustException(signers.Count == 0
            ? $"{tagged}: the entry is not signed; refusing it"
            : $"{tagged}: signed by {string.Join(", ", signers.Distinct())}, which is not a trusted key (or the signature does not match); refusing it. Trust a key with `nvsdk cache use {tagged.Registry}/{tagged.Repository} --trusted-key KEY.pub`");
    }

    /// <summary>Whether one of <paramref name="signatures"/> ("name:base64") over <paramref name="payload"/> is a trusted key's; collects the names seen.</summary>
    private static bool SignedBy(IReadOnlyList<string> signatures, byte[] payload, IReadOnlyList<TrustedKey> trusted, List<string> signers)
    {
        foreach (var signature in signatures)
        {
            var colon = signature.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var name = signature[..colon];
            signers.Add(name);
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(signature[(colon + 1)..]);
            }
            catch (FormatException)
            {
                continue;
            }

            if (trusted.Any(k => k.Name == name && k.Verifies(payload, bytes)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Writes the tree as tar+zstd to <paramref name="path"/>, hashing the compressed bytes on the way.</summary>
    private static async Task<OciDescriptor> WriteLayerAsync(string tree, IReadOnlyList<LayerMember> members, string path, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size;
        var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous);
        await using (file.ConfigureAwait(false))
        {
            var hashing = new HashingWriteStream(file, hash);
            var zstd = new CompressionStream(hashing, CompressionLevel, leaveOpen: true);
            zstd.SetParameter(ZstdSharp.Unsafe.ZSTD_cParameter.ZSTD_c_nbWorkers, Environment.ProcessorCount);
            await using (zstd.ConfigureAwait(false))
            {
                await TreeTarWriter.WriteAsync(tree, members, zstd, cancellationToken).ConfigureAwait(false);
            }

            size = hashing.Written;
        }

        return new OciDescriptor
        {
            MediaType = OciMediaTypes.OciLayerZstd,
            Digest = $"sha256:{Sha256Digest.FromHash(hash.GetHashAndReset()).Hex}",
            Size = size,
        };
    }
}

/// <summary>A cache entry that is not signed by a trusted key, or whose signature does not cover what it holds.</summary>
public sealed class CacheTrustException(string message) : NvsdkException(ErrorCode.DigestMismatch, message);
