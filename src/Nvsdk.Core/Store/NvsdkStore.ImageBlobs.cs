using Nvsdk.Core.Fetch;
using Nvsdk.Core.Oci;
using Nvsdk.Core.Oci.Registry;
using Nvsdk.Core.Platform;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Store;

/// <summary>
/// Image blobs stored once by digest (blobs/sha256/&lt;hex&gt;) and hard-linked into each image entry's layout, so
/// the same image under two names, or two images on one base, keep one copy of each layer and download it once.
/// A blob reaches blobs/ only by a rename after its digest and size were checked while streaming, so one found
/// there with the right size is used as it is. gc removes those no entry links any more.
/// </summary>
public sealed partial class NvsdkStore
{
    /// <summary>
    /// Puts one blob at <paramref name="target"/>: linked from blobs/ when it is there, else downloaded (resumably,
    /// under the blob's lock, so two pulls fetch it once), verified, kept in blobs/ and then linked.
    /// </summary>
    private async Task PlaceImageBlobAsync(
        ResolvedImage resolved, OciDescriptor blob, RegistryClient client, string target, string what, Action<FetchEvent>? report, CancellationToken cancellationToken)
    {
        var digest = Sha256Digest.Parse(blob.Digest);
        var key = $"blob-{digest.Hex}";
        var held = await PathLock.AcquireAsync(Layout.LockPath(key), Options.LockTimeout, m => report?.Invoke(new FetchEvent.Waiting(what, m)), cancellationToken).ConfigureAwait(false);
        await using (held.ConfigureAwait(false))
        {
            var stored = Layout.BlobPath(digest);
            Directory.CreateDirectory(Layout.BlobsDir);
            var downloaded = false;
            if (!HasSize(stored, blob.Size) && FindInImageEntries(digest, blob.Size) is { } inEntry)
            {
                File.Delete(stored);
                LinkOrCopy(inEntry, stored); // an entry pulled before blobs/ existed: verified when it was registered
            }

            if (!HasSize(stored, blob.Size))
            {
                File.Delete(stored); // the wrong size: not something this store put there
                var partial = Layout.PartialPath(key);
                var done = File.Exists(partial) ? new FileInfo(partial).Length : 0;
                report?.Invoke(new FetchEvent.Started(what, client.RepositoryUri(resolved.Image, $"blobs/{blob.Digest}"), done, blob.Size));
                await client.DownloadBlobAsync(
                    resolved.Image,
                    blob,
                    partial,
                    n => report?.Invoke(new FetchEvent.Progress(what, Interlocked.Add(ref done, n), blob.Size)),
                    cancellationToken).ConfigureAwait(false);
                Posix.Rename(partial, stored);
                downloaded = true;
            }

            LinkOrCopy(stored, target);
            report?.Invoke(new FetchEvent.Done(what, downloaded, blob.Size));
        }
    }

    private static bool HasSize(string path, long size) => File.Exists(path) && new FileInfo(path).Length == size;

    /// <summary>The blob in a registered image entry (stores from before blobs/ hold their own copies), or null.</summary>
    private string? FindInImageEntries(Sha256Digest digest, long size) =>
        ListImages().Select(r => BlobPath(Layout.EntryPath(r.Name), $"sha256:{digest.Hex}")).FirstOrDefault(p => HasSize(p, size));

    /// <summary>A hard link to the stored blob; a copy when the entry is on another file system (a moved store/).</summary>
    private static void LinkOrCopy(string stored, string target)
    {
        try
        {
            Posix.HardLink(stored, target);
        }
        catch (IOException e) when (e.HResult == Posix.EXDEV)
        {
            File.Copy(stored, target);
        }
    }

    /// <summary>gc: blobs no image entry links any more (one name left: their own), unless a pull holds them now.</summary>
    private async Task<List<string>> CleanUnusedBlobsAsync(bool dryRun, CancellationToken cancellationToken)
    {
        var cleaned = new List<string>();
        if (!Directory.Exists(Layout.BlobsDir))
        {
            return cleaned;
        }

        foreach (var blob in Directory.EnumerateFiles(Layout.BlobsDir))
        {
            var name = Path.GetFileName(blob);
            if (Posix.LinkCount(blob) == 1 && await TryWithFreeLockAsync($"blob-{name}", () => Remove(blob), cancellationToken).ConfigureAwait(false))
            {
                cleaned.Add($"blobs/sha256/{name}");
            }
        }

        return cleaned;

        void Remove(string blob)
        {
            if (!dryRun && Posix.LinkCount(blob) == 1)
            {
                File.Delete(blob);
            }
        }
    }
}
