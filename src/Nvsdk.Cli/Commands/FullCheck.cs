using Nvsdk.Cli.Output;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Fetch;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Oci;
using Nvsdk.Core.Oci.Registry;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Cli.Commands;

/// <summary>
/// `check --full`: downloads every artifact of the chosen systems to a scratch folder, verifies it while it
/// streams, and deletes it. Nothing enters the store. Where the network is missing it says which host failed.
/// </summary>
internal static class FullCheck
{
    public static async Task<IReadOnlyList<FullCheckResult>> RunAsync(
        LockFile lockFile, IReadOnlyList<SystemId> systems, CliContext context, CancellationToken cancellationToken)
    {
        var work = lockFile.Components
            .SelectMany(c => c.Artifacts)
            .SelectMany(a => systems.Where(a.Systems.Contains).Take(1).Select(s => (Artifact: a, System: s)))
            .ToList();
        var scratch = Directory.CreateTempSubdirectory("nvsdk-check-");
        var options = new FetchOptions { AttemptsPerSource = 2 };
        using var downloader = new ArtifactDownloader(options);
        using var registry = new RegistryClient(new RegistryClientOptions { Fetch = options });
        var results = new FullCheckResult[work.Count];
        try
        {
            await FetchProgressView.RunAsync(context, async report =>
            {
                await Parallel.ForEachAsync(
                Enumerable.Range(0, work.Count),
                new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken },
                async (i, ct) =>
                {
                    var (artifact, system) = work[i];
                    if (artifact.Format == ArtifactFormat.OciImage)
                    {
                        results[i] = await CheckImageAsync(registry, artifact, system, ct).ConfigureAwait(false);
                        return;
                    }

                    var partial = Path.Combine(scratch.FullName, $"{i}.part");
                    try
                    {
                        var done = await downloader.DownloadAsync(artifact, partial, report, ct).ConfigureAwait(false);
                        var note = artifact.IsPinned ? done.Digest.Hex : $"{done.Digest.Hex} (not pinned: put this digest in the lock)";
                        results[i] = new FullCheckResult(artifact, system, true, false, note, null);
                    }
                    catch (NvsdkException e)
                    {
                        results[i] = new FullCheckResult(artifact, system, false, false, null, e.Message);
                    }
                    finally
                    {
                        File.Delete(partial);
                    }
                }).ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }

        return results;
    }

    /// <summary>
    /// An image is checked by its platform manifest: fetched by the pinned digest (the client verifies the
    /// bytes against it) or, unpinned, resolved from its tag so the digest to pin can be printed. Its layers are
    /// verified when `fetch` or `install` pulls them.
    /// </summary>
    private static async Task<FullCheckResult> CheckImageAsync(RegistryClient registry, Artifact artifact, SystemId system, CancellationToken ct)
    {
        var errors = new List<string>();
        foreach (var source in artifact.Sources.Where(s => s.Url.Scheme == "docker"))
        {
            try
            {
                var reference = ImageReference.Parse(source.Url.OriginalString);
                if (artifact.Sha256 is { } pinned)
                {
                    await registry.GetManifestAsync(reference, $"sha256:{pinned.Hex}", ct).ConfigureAwait(false);
                    return new FullCheckResult(artifact, system, true, false, pinned.Hex, null);
                }

                var resolved = await registry.ResolveAsync(reference, OciPlatforms.For(system), ct).ConfigureAwait(false);
                return new FullCheckResult(artifact, system, true, false, $"{resolved.Manifest.Digest.Hex} (not pinned: put this digest in the lock)", null);
            }
            catch (NvsdkException e)
            {
                errors.Add($"{source.Url.OriginalString}: {e.Message}");
            }
        }

        return new FullCheckResult(artifact, system, false, false, null, string.Join("; ", errors));
    }
}

internal sealed record FullCheckResult(Artifact Artifact, SystemId System, bool Ok, bool Skipped, string? Digest, string? Error);
