using System.Buffers;
using Nvsdk.Core.Fetch;
using Nvsdk.Core.LockFile;

namespace Nvsdk.Core.Store;

/// <summary>
/// Registering a pinned artifact whose bytes come from a stream rather than a download (an air-gapped
/// bundle's entry). Same protocol as <see cref="EnsureArtifactAsync"/>: the bytes are verified while they
/// are copied into staging, under the entry's lock, and the registration is written last.
/// </summary>
public sealed partial class NvsdkStore
{
    private const int ImportBufferSize = 1 << 20;

    /// <summary>
    /// Stores <paramref name="content"/> as <paramref name="artifact"/> unless it is already registered (then
    /// nothing is read). Wrong bytes throw a digest or size mismatch and leave nothing behind.
    /// </summary>
    internal async Task<ArtifactInstallResult> ImportArtifactAsync(
        Artifact artifact,
        Stream content,
        Uri source,
        Action<FetchEvent>? report = null,
        CancellationToken cancellationToken = default)
    {
        if (artifact.Sha256 is not { } digest)
        {
            throw new ArgumentException($"{artifact.Label} is not pinned; only pinned artifacts can be imported", nameof(artifact));
        }

        var key = StoreLayout.ArtifactKey(artifact);
        var imported = false;
        var record = await InstallAsync(
            key,
            () => FindArtifact(artifact),
            async (staging, ct) =>
            {
                report?.Invoke(new FetchEvent.Started(artifact.Label, source, 0, artifact.Size));
                var target = Path.Combine(staging, artifact.FileName);
                var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous);
                var buffer = ArrayPool<byte>.Shared.Rent(ImportBufferSize);
                try
                {
                    await using (output.ConfigureAwait(false))
                    using (var verifying = new VerifyingStream(content, $"{artifact.Label} from {source}", digest, artifact.Size, leaveOpen: true))
                    {
                        while (true)
                        {
                            var n = await verifying.ReadAsync(buffer.AsMemory(), ct).ConfigureAwait(false);
                            if (n == 0)
                            {
                                break;
                            }

                            await output.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                            report?.Invoke(new FetchEvent.Progress(artifact.Label, verifying.BytesRead, artifact.Size));
                        }

                        output.Flush(flushToDisk: true);
                        imported = true;
                        return new StoreEntryRecord
                        {
                            Name = StoreLayout.ArtifactEntryName(verifying.Digest!.Value, artifact),
                            Kind = EntryKinds.Artifact,
                            Component = artifact.Component.Name,
                            Version = artifact.Version,
                            File = artifact.FileName,
                            Sha256 = verifying.Digest!.Value.Hex,
                            Size = verifying.BytesRead,
                            Source = source.ToString(),
                            RegisteredAt = DateTimeOffset.UtcNow,
                        };
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            },
            message => report?.Invoke(new FetchEvent.Waiting(artifact.Label, message)),
            cancellationToken).ConfigureAwait(false);

        report?.Invoke(new FetchEvent.Done(artifact.Label, imported, record.Size));
        return new ArtifactInstallResult(record, imported, Layout.EntryPath(record.Name));
    }
}
