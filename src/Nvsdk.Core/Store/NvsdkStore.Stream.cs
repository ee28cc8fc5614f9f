using Nvsdk.Core.Fetch;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Unpack;

namespace Nvsdk.Core.Store;

/// <summary>
/// Download and unpack in one pass: a pinned tar archive is decoded and written while it arrives, so the tree
/// is ready about when the last byte is, instead of a full download followed by a full decode. The download
/// itself is unchanged (it verifies and stores the archive as always); the unpack follows the file it writes
/// and hashes what it read, and the tree is kept only if that is exactly the verified archive. Otherwise
/// (a digest mismatch, a restarted download) the staging is thrown away and the stored archive unpacked.
/// </summary>
public sealed partial class NvsdkStore
{
    /// <summary>Makes sure the artifact's tree is in the store, downloading and unpacking at once when it can.</summary>
    public async Task<(TreeInstallResult Tree, bool Downloaded)> EnsureTreeStreamingAsync(
        Artifact artifact,
        ArtifactDownloader downloader,
        Action<FetchEvent>? report = null,
        CancellationToken cancellationToken = default,
        DurabilityBatch? batch = null)
    {
        void OnWait(string message) => report?.Invoke(new FetchEvent.Waiting(artifact.Label, message));
        if (artifact.Sha256 is not { } digest || !ArchiveUnpacker.Streams(artifact.Format))
        {
            var stored = await EnsureArtifactAsync(artifact, downloader, report, cancellationToken, batch).ConfigureAwait(false);
            return (await EnsureTreeAsync(artifact, stored, onWait: OnWait, cancellationToken: cancellationToken, batch: batch).ConfigureAwait(false), stored.Downloaded);
        }

        var name = TreeEntryName(artifact, digest);
        ArtifactInstallResult? archive = null;
        var record = await InstallAsync(
            name,
            () => TryGetRecord(name),
            async (staging, ct) =>
            {
                TreeManifest manifest;
                if (FindArtifact(artifact) is { } present)
                {
                    archive = new ArtifactInstallResult(present, false, CurrentPath(present.Name, batch));
                    manifest = await ArchiveUnpacker.UnpackAsync(archive.FilePath, artifact.Format, staging, cancellationToken: ct).ConfigureAwait(false);
                }
                else
                {
                    (archive, manifest) = await DownloadWhileUnpackingAsync(artifact, staging, downloader, report, batch, ct).ConfigureAwait(false);
                }

                return TreeRecord(name, artifact, archive, manifest);
            },
            OnWait,
            cancellationToken,
            batch).ConfigureAwait(false);
        return (new TreeInstallResult(record, archive is not null, Layout.EntryPath(record.Name)), archive?.Downloaded ?? false);
    }

    private async Task<(ArtifactInstallResult Archive, TreeManifest Manifest)> DownloadWhileUnpackingAsync(
        Artifact artifact, string staging, ArtifactDownloader downloader, Action<FetchEvent>? report, DurabilityBatch? batch, CancellationToken cancellationToken)
    {
        var download = EnsureArtifactAsync(artifact, downloader, report, cancellationToken, batch);
        TreeManifest? manifest = null;
        try
        {
            var follower = new GrowingFileStream(Layout.PartialPath(StoreLayout.ArtifactKey(artifact)), FinalLengthAsync(download));
            using (follower)
            {
                manifest = await ArchiveUnpacker.UnpackStreamAsync(follower, artifact.FileName, artifact.Size ?? 0, artifact.Format, staging, cancellationToken: cancellationToken).ConfigureAwait(false);

                // The tar ends before the compressed stream does: read the rest, so the digest covers every byte.
                await follower.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
                if (follower.Digest() != artifact.Sha256)
                {
                    manifest = null;
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A restarted download, the download's own failure, or a bad archive: the download decides below.
            manifest = null;
        }
        finally
        {
            if (manifest is null)
            {
                // Let the download finish (or fail) before touching its file or leaving.
                await Task.WhenAny(download).ConfigureAwait(false);
            }
        }

        var archive = await download.ConfigureAwait(false);
        if (manifest is null)
        {
            DeleteTree(staging);
            Directory.CreateDirectory(staging);
            manifest = await ArchiveUnpacker.UnpackAsync(archive.FilePath, artifact.Format, staging, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return (archive, manifest);
    }

    private static async Task<long> FinalLengthAsync(Task<ArtifactInstallResult> download) =>
        (await download.ConfigureAwait(false)).Record.Size;

    private static StoreEntryRecord TreeRecord(string name, Artifact artifact, ArtifactInstallResult archive, TreeManifest manifest) => new()
    {
        Name = name,
        Kind = EntryKinds.Tree,
        Component = artifact.Component.Name,
        Version = artifact.Version,
        File = string.Empty,
        Sha256 = manifest.Digest().Hex,
        Size = manifest.TotalBytes,
        Source = archive.Record.Name,
        RegisteredAt = DateTimeOffset.UtcNow,
    };
}
