using Nvsdk.Core.Errors;
using Nvsdk.Core.Fetch;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Oci.Registry;
using Nvsdk.Core.Store;

namespace Nvsdk.Core.Cache;

/// <summary>
/// The caches an install tries, in order, before fetching and unpacking an artifact. A cache that is down
/// or lacks the entry costs one request and the install goes on from the artifact's own sources; an entry
/// that fails its signature or content check is refused loudly and the artifact is built from source.
/// </summary>
public sealed class CacheSource(RegistryClient client, IReadOnlyList<ImageReference> caches, IReadOnlyList<TrustedKey> trusted)
{
    private readonly BinaryCache cache = new(client);

    /// <summary>Caches that did not answer: asked once per install, not once per artifact.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ImageReference, string> down = new();

    public IReadOnlyList<ImageReference> Caches => caches;

    /// <summary>The registry client the caches are asked through; an install uses it for its images too (one connection pool).</summary>
    public RegistryClient Client => client;

    public static CacheSource? FromSettings(CacheSettings settings, RegistryClient client) =>
        settings.Active
            ? new CacheSource(client, settings.Caches.Select(ImageReference.Parse).ToList(), settings.ParsedKeys())
            : null;

    public async Task<TreeInstallResult?> TryAsync(NvsdkStore store, Artifact artifact, Action<FetchEvent>? report, CancellationToken cancellationToken, DurabilityBatch? batch = null)
    {
        if (artifact.Sha256 is not { } digest)
        {
            return null; // only pinned artifacts have a tree name known before downloading
        }

        var name = NvsdkStore.TreeEntryName(artifact, digest);
        foreach (var repository in caches)
        {
            if (down.ContainsKey(repository))
            {
                continue;
            }

            try
            {
                if (await cache.TryPullAsync(store, name, repository, trusted, report, cancellationToken, batch).ConfigureAwait(false) is { } tree)
                {
                    return tree;
                }
            }
            catch (RegistryException e) when (e.Status is null)
            {
                // Unreachable (connection, DNS, stall): say it once and stop asking it for this install.
                if (down.TryAdd(repository, e.Message))
                {
                    report?.Invoke(new FetchEvent.SourceFailed(artifact.Label, client.ApiBase(repository), $"cache {repository} is unreachable, not asking it again: {e.Message}", false));
                }
            }
            catch (NvsdkException e) when (e is RegistryException or CacheTrustException or DigestMismatchException or SizeMismatchException or UnsafeArchiveException or TruncatedStreamException)
            {
                report?.Invoke(new FetchEvent.SourceFailed(artifact.Label, client.ApiBase(repository), $"cache {repository}: {e.Message}", false));
            }
        }

        return null;
    }
}
