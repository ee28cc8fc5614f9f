using Nvsdk.Core.Errors;
using Nvsdk.Core.Fetch;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Store;

namespace Nvsdk.Core.Mirror;

/// <summary>
/// `mirror sync`: copies every pinned artifact of the lock, for the chosen systems, from the store (fetching
/// it first when missing) to a mirror destination, skipping objects already there with the same size and
/// sha256. One artifact failing does not stop the others; every outcome is reported.
/// </summary>
public static class MirrorSync
{
    /// <summary>The key of an artifact at any mirror: `&lt;component&gt;/&lt;file&gt;`.</summary>
    public static string Key(Artifact artifact) => $"{artifact.Component.Name}/{artifact.FileName}";

    /// <summary>The URL of an artifact under a mirror's base URL.</summary>
    public static Uri Url(Uri baseUrl, Artifact artifact) =>
        new($"{baseUrl.AbsoluteUri.TrimEnd('/')}/{SigV4.EncodeKey(Key(artifact))}");

    /// <summary>The artifacts to mirror for the given systems (each once), and those left out with the reason.</summary>
    public static MirrorSelection Select(LockFile.LockFile lockFile, IReadOnlyList<SystemId> systems)
    {
        foreach (var system in systems.Where(s => !lockFile.Systems.Contains(s)))
        {
            throw new UsageException(
                $"the lock {lockFile.Path} has no artifacts for {system}",
                $"use --system {string.Join(" or --system ", lockFile.Systems)}, or --all-systems");
        }

        var artifacts = new List<Artifact>();
        var skipped = new List<Plan.SkippedArtifact>();
        foreach (var artifact in lockFile.Components.SelectMany(c => c.Artifacts).Where(a => a.Systems.Any(systems.Contains)))
        {
            if (artifact.Format == ArtifactFormat.OciImage)
            {
                skipped.Add(new Plan.SkippedArtifact(artifact, "an OCI image: mirror it registry to registry (nvsdk image pull, then nvsdk image push of the store entry)"));
            }
            else if (!artifact.IsPinned)
            {
                skipped.Add(new Plan.SkippedArtifact(artifact, "not pinned by sha256, so a mirrored copy could not be verified"));
            }
            else
            {
                artifacts.Add(artifact);
            }
        }

        return new MirrorSelection(systems, artifacts, skipped);
    }

    public static async Task<MirrorSummary> RunAsync(
        IReadOnlyList<Artifact> artifacts,
        NvsdkStore store,
        IMirrorDestination destination,
        FetchOptions options,
        Action<FetchEvent>? report = null,
        HttpMessageHandler? handler = null,
        CancellationToken cancellationToken = default)
    {
        using var downloader = new ArtifactDownloader(options, handler);
        var outcomes = new MirrorOutcome[artifacts.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, artifacts.Count), parallel, async (i, ct) =>
        {
            var artifact = artifacts[i];
            try
            {
                outcomes[i] = await SyncOneAsync(artifact, store, destination, downloader, report, ct).ConfigureAwait(false);
            }
            catch (NvsdkException e)
            {
                outcomes[i] = new MirrorOutcome(artifact, Key(artifact), MirrorAction.Failed, artifact.Size, false, e);
            }
        }).ConfigureAwait(false);

        return new MirrorSummary(destination.BaseUrl, destination.Description, outcomes);
    }

    private static async Task<MirrorOutcome> SyncOneAsync(
        Artifact artifact,
        NvsdkStore store,
        IMirrorDestination destination,
        ArtifactDownloader downloader,
        Action<FetchEvent>? report,
        CancellationToken cancellationToken)
    {
        var digest = artifact.Sha256 ?? throw new UsageException($"{artifact.Label} is not pinned; it cannot be mirrored");
        var stored = await store.EnsureArtifactAsync(artifact, downloader, report, cancellationToken).ConfigureAwait(false);

        // Verified when stored; the size is cheap to re-check now, the digest is re-checked while copying.
        var length = new FileInfo(stored.FilePath).Length;
        if (length != stored.Record.Size || (artifact.Size is { } pinned && pinned != length) || stored.Record.Sha256 != digest.Hex)
        {
            throw new StoreException(
                ErrorCode.StoreCorrupt,
                $"the store's copy of {artifact.Label} is {length} bytes, its record says {stored.Record.Size}; run `nvsdk store verify`");
        }

        var item = new MirrorObject(Key(artifact), stored.FilePath, length, digest, artifact.Label);
        if (destination.MaxObjectSize is { } max && length > max)
        {
            throw new MirrorException(
                $"{artifact.Label} is {length} bytes, over the {max} bytes one upload may hold; multipart upload is not implemented yet");
        }

        try
        {
            if (await destination.HasAsync(item, cancellationToken).ConfigureAwait(false))
            {
                return new MirrorOutcome(artifact, item.Key, MirrorAction.Present, length, stored.Downloaded, null);
            }

            await destination.PutAsync(item, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DigestMismatchException or SizeMismatchException)
        {
            throw new StoreException(ErrorCode.StoreCorrupt, $"the store's copy of {artifact.Label} is damaged ({e.Message}); run `nvsdk store verify`", e);
        }
        catch (MirrorException e)
        {
            throw new MirrorException($"mirroring {artifact.Label} to {destination.Description}: {e.Message}", e);
        }

        return new MirrorOutcome(artifact, item.Key, MirrorAction.Uploaded, length, stored.Downloaded, null);
    }
}

/// <summary>The artifacts a sync will copy, for which systems, and those it leaves out.</summary>
public sealed record MirrorSelection(IReadOnlyList<SystemId> Systems, IReadOnlyList<Artifact> Artifacts, IReadOnlyList<Plan.SkippedArtifact> Skipped);

public enum MirrorAction
{
    /// <summary>Written to the destination by this run.</summary>
    Uploaded,

    /// <summary>Already at the destination with the same size and sha256.</summary>
    Present,

    Failed,
}

/// <summary>What happened to one artifact; <see cref="Fetched"/> says whether it had to be downloaded into the store first.</summary>
public sealed record MirrorOutcome(Artifact Artifact, string Key, MirrorAction Action, long? Size, bool Fetched, NvsdkException? Error);

public sealed record MirrorSummary(Uri BaseUrl, string Destination, IReadOnlyList<MirrorOutcome> Outcomes)
{
    public bool AllSucceeded => Outcomes.All(o => o.Action != MirrorAction.Failed);

    public int Uploaded => Outcomes.Count(o => o.Action == MirrorAction.Uploaded);

    public int Present => Outcomes.Count(o => o.Action == MirrorAction.Present);

    public int Failed => Outcomes.Count(o => o.Action == MirrorAction.Failed);

    public int Fetched => Outcomes.Count(o => o.Fetched);

    public long BytesUploaded => Outcomes.Where(o => o.Action == MirrorAction.Uploaded).Sum(o => o.Size ?? 0);

    public long BytesPresent => Outcomes.Where(o => o.Action == MirrorAction.Present).Sum(o => o.Size ?? 0);
}
