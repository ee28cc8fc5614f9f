using Nvsdk.Core.Errors;
using Nvsdk.Core.Fetch;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Oci;
using Nvsdk.Core.Oci.Registry;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Store;

/// <summary>
/// A lock's oci-image artifact: its docker:// sources tried in order (a mirror registry first), pinned by the
/// lock's sha256 (the platform manifest's digest) when there is one. An unpinned image is pulled by tag only
/// with --allow-unpinned, and the digest it resolved to is reported loudly so it can be pinned.
/// </summary>
public sealed partial class NvsdkStore
{
    public async Task<ImageInstallResult> EnsureLockedImageAsync(
        Artifact artifact,
        SystemId system,
        RegistryClient client,
        Action<FetchEvent>? report = null,
        CancellationToken cancellationToken = default)
    {
        var failures = new List<SourceFailure>();
        foreach (var source in artifact.Sources.Where(s => s.Url.Scheme == "docker"))
        {
            var reference = ImageReference.Parse(source.Url.OriginalString);
            if (artifact.Sha256 is { } pinned)
            {
                if (reference.Digest is { } named && named != pinned)
                {
                    throw new NvsdkException(ErrorCode.InvalidInput, $"{artifact.Label}: the source names {named} but the lock pins {pinned}; fix the lock");
                }

                reference = reference.WithDigest(pinned);
            }

            try
            {
                var image = await PullImageAsync(reference, OciPlatforms.For(system), client, report, cancellationToken).ConfigureAwait(false);
                if (!artifact.IsPinned)
                {
                    report?.Invoke(new FetchEvent.SourceFailed(
                        artifact.Label,
                        source.Url,
                        $"UNPINNED: {reference} resolved to sha256:{image.Record.Sha256} for {OciPlatforms.For(system)}; pin it with `nvsdk update --component {artifact.Component}`",
                        false));
                }

                return image;
            }
            catch (Exception e) when (e is RegistryException or DigestMismatchException or SizeMismatchException or TruncatedStreamException)
            {
                report?.Invoke(new FetchEvent.SourceFailed(artifact.Label, source.Url, e.Message, false));
                failures.Add(new SourceFailure(source.Url.OriginalString, e.Message, e));
            }
        }

        throw failures.Count == 0
            ? new UsageException($"{artifact.Label} has no docker:// source")
            : new FetchException(artifact.Label, failures, failures[^1].Error);
    }
}
