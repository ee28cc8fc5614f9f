using Nvsdk.Core.Errors;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Store;

namespace Nvsdk.Core.Fetch;

/// <summary>
/// Fetches a set of artifacts into the store, a bounded number at once. One artifact failing does not stop
/// the others: every outcome is reported, and the caller decides the exit code.
/// </summary>
public static class FetchRunner
{
    public static async Task<FetchSummary> RunAsync(
        IReadOnlyList<Artifact> artifacts,
        NvsdkStore store,
        FetchOptions options,
        Action<FetchEvent>? report = null,
        HttpMessageHandler? handler = null,
        CancellationToken cancellationToken = default)
    {
        using var downloader = new ArtifactDownloader(options, handler);
        using var registry = new Oci.Registry.RegistryClient(new Oci.Registry.RegistryClientOptions { Fetch = options }, handler);
        var outcomes = new FetchOutcome[artifacts.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, artifacts.Count), parallel, async (i, ct) =>
        {
            var artifact = artifacts[i];
            try
            {
                ArtifactInstallResult result;
                if (artifact.Format == Primitives.ArtifactFormat.OciImage)
                {
                    var system = Primitives.SystemId.Host is { } host && artifact.Systems.Contains(host) ? host : artifact.Systems[0];
                    var image = await store.EnsureLockedImageAsync(artifact, system, registry, report, ct).ConfigureAwait(false);
                    result = new ArtifactInstallResult(image.Record, image.Downloaded, image.EntryPath);
                }
                else
                {
                    result = await store.EnsureArtifactAsync(artifact, downloader, report, ct).ConfigureAwait(false);
                }

                outcomes[i] = new FetchOutcome(artifact, result, null);
            }
            catch (NvsdkException e)
            {
                outcomes[i] = new FetchOutcome(artifact, null, e);
            }
        }).ConfigureAwait(false);

        return new FetchSummary(outcomes);
    }
}

public sealed record FetchOutcome(Artifact Artifact, ArtifactInstallResult? Result, NvsdkException? Error)
{
    public bool Succeeded => Result is not null;
}

public sealed record FetchSummary(IReadOnlyList<FetchOutcome> Outcomes)
{
    public bool AllSucceeded => Outcomes.All(o => o.Succeeded);

    public int Downloaded => Outcomes.Count(o => o.Result?.Downloaded == true);

    public int AlreadyPresent => Outcomes.Count(o => o.Result?.Downloaded == false);

    public int Failed => Outcomes.Count(o => !o.Succeeded);
}
