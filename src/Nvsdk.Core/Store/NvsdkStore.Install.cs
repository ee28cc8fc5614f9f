using System.Text.Json;
using Nvsdk.Core.Fetch;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Platform;

namespace Nvsdk.Core.Store;

/// <summary>
/// The install protocol (design §4), written once for every kind of entry:
/// lock → re-check under the lock → clean debris → build in staging → fsync → read-only → atomic rename →
/// registration last. A kill -9 at any point leaves either no valid entry or a complete one.
/// </summary>
public sealed partial class NvsdkStore
{
    /// <summary>Makes sure the artifact is in the store, downloading it if needed. Returns its record.</summary>
    public async Task<ArtifactInstallResult> EnsureArtifactAsync(
        Artifact artifact,
        ArtifactDownloader downloader,
        Action<FetchEvent>? report = null,
        CancellationToken cancellationToken = default,
        DurabilityBatch? batch = null)
    {
        var key = StoreLayout.ArtifactKey(artifact);
        var downloaded = false;
        var record = await InstallAsync(
            key,
            () => FindArtifact(artifact),
            async (staging, ct) =>
            {
                var partial = Layout.PartialPath(key);
                var result = await downloader.DownloadAsync(artifact, partial, report, ct).ConfigureAwait(false);
                downloaded = true;
                var target = Path.Combine(staging, artifact.FileName);
                File.Move(partial, target);
                return new StoreEntryRecord
                {
                    Name = StoreLayout.ArtifactEntryName(result.Digest, artifact),
                    Kind = EntryKinds.Artifact,
                    Component = artifact.Component.Name,
                    Version = artifact.Version,
                    File = artifact.FileName,
                    Sha256 = result.Digest.Hex,
                    Size = result.Size,
                    Source = result.Source.ToString(),
                    RegisteredAt = DateTimeOffset.UtcNow,
                };
            },
            message => report?.Invoke(new FetchEvent.Waiting(artifact.Label, message)),
            cancellationToken,
            batch).ConfigureAwait(false);

        if (!artifact.IsPinned)
        {
            WriteAtomically(AliasPath(key), System.Text.Encoding.UTF8.GetBytes(record.Name + "\n"));
        }

        report?.Invoke(new FetchEvent.Done(artifact.Label, downloaded, record.Size));
        return new ArtifactInstallResult(record, downloaded, CurrentPath(record.Name, batch));
    }

    /// <summary>
    /// Builds an entry whose name is known up front (a cache pull) by the same protocol; the record is
    /// registered only after <paramref name="build"/> has filled and checked the staging folder.
    /// </summary>
    internal Task<StoreEntryRecord> InstallFromStreamAsync(
        string entryName,
        Func<string, CancellationToken, Task<StoreEntryRecord>> build,
        Action<string>? onWait,
        CancellationToken cancellationToken,
        DurabilityBatch? batch = null) =>
        InstallAsync(entryName, () => TryGetRecord(entryName), build, onWait, cancellationToken, batch);

    /// <summary>
    /// Runs the protocol. <paramref name="find"/> says whether the entry is already valid; <paramref name="build"/>
    /// fills a fresh staging folder and returns the record (whose name may depend on what was built).
    /// </summary>
    internal async Task<StoreEntryRecord> InstallAsync(
        string key,
        Func<StoreEntryRecord?> find,
        Func<string, CancellationToken, Task<StoreEntryRecord>> build,
        Action<string>? onWait,
        CancellationToken cancellationToken,
        DurabilityBatch? batch = null)
    {
        if (find() is { } existing)
        {
            return existing;
        }

        var pathLock = batch is null
            ? await PathLock.AcquireAsync(Layout.LockPath(key), Options.LockTimeout, onWait, cancellationToken).ConfigureAwait(false)
            : await batch.AcquireAsync(Layout.LockPath(key), Options.LockTimeout, onWait, cancellationToken).ConfigureAwait(false);
        var handedOver = false;
        try
        {
            // Someone may have finished it while we waited.
            if (find() is { } done)
            {
                return done;
            }

            CleanStagingDebris(key);
            var staging = Layout.NewStagingPath(key);
            Directory.CreateDirectory(staging);
            try
            {
                var record = await build(staging, cancellationToken).ConfigureAwait(false);
                if (TryGetRecord(record.Name) is { } same)
                {
                    // Same content already registered under another key (an unpinned entry now pinned).
                    DeleteTree(staging);
                    return same;
                }

                if (batch is not null)
                {
                    // Sealed now, flushed, renamed and registered with the rest of the install.
                    Seal(staging);
                    batch.Add(pathLock, staging, record);
                    handedOver = true;
                    return record;
                }

                var entryPath = Layout.EntryPath(record.Name);
                if (Directory.Exists(entryPath))
                {
                    // Renamed into place but never registered: a crash between the last two steps.
                    DeleteTree(entryPath);
                }

                SyncAndSeal(staging, sealTop: false); // the top folder is sealed once in place (SealTop says why)
                Directory.Move(staging, entryPath);
                SealTop(entryPath);
                Posix.FsyncDirectory(Layout.StoreDir);
                WriteAtomically(Layout.RegistrationPath(record.Name), JsonSerializer.SerializeToUtf8Bytes(record, StoreJsonContext.Default.StoreEntryRecord));
                return record;
            }
            catch
            {
                DeleteTree(staging);
                throw;
            }
        }
        finally
        {
            if (!handedOver)
            {
                await pathLock.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>A batch for one install's entries: staged first, made durable together by <see cref="DurabilityBatch.Commit"/>.</summary>
    public DurabilityBatch BeginBatch() => new(this);

    /// <summary>Where an entry's files are now: its staging folder while a batch holds it, else its place in the store.</summary>
    internal string CurrentPath(string entryName, DurabilityBatch? batch) =>
        batch?.StagingPathOf(entryName) ?? Layout.EntryPath(entryName);

    /// <summary>Staging folders for this key can only be left by a dead process: we hold the key's lock.</summary>
    private void CleanStagingDebris(string key)
    {
        foreach (var dir in Directory.EnumerateDirectories(Layout.StagingDir, key + ".*"))
        {
            DeleteTree(dir);
        }
    }

    /// <summary>
    /// Makes a staged tree read-only and durable: write bits go, then one syncfs(2) flushes the whole file
    /// system (cheaper than an fsync per file for trees of thousands of headers), then each folder entry.
    /// </summary>
    internal static void SyncAndSeal(string staging, bool sealTop = true)
    {
        var dirs = SealFiles(staging);
        Posix.SyncFileSystem(staging);
        SealDirectories(dirs, sealTop ? null : staging);
    }

    /// <summary>
    /// Makes a staged tree read-only without flushing it (a <see cref="DurabilityBatch"/> flushes many at once). The
    /// top folder stays writable: it is still to be moved to another parent (see <see cref="SealTop"/>).
    /// </summary>
    internal static void Seal(string staging) => SealDirectories(SealFiles(staging), staging);

    /// <summary>
    /// Seals an entry's top folder once it is in place. Moving a folder to another parent rewrites its "..", which
    /// Linux allows only with write permission on it — root skips that check, which is how sealing before the
    /// move once worked for root alone.
    /// </summary>
    internal static void SealTop(string entryPath) => File.SetUnixFileMode(entryPath, ReadOnlyDir);

    /// <summary>Takes the write bits off every file; returns the folders, which are sealed after (deepest first).</summary>
    private static List<string> SealFiles(string staging)
    {
        var dirs = new List<string> { staging };
        foreach (var info in TreeWalker.Walk(staging))
        {
            if (info.LinkTarget is not null)
            {
                continue; // a symlink's own mode means nothing on Linux
            }

            if (info is DirectoryInfo)
            {
                dirs.Add(info.FullName);
                continue;
            }

            var mode = info.UnixFileMode;
            var sealedMode = mode & ~(UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite);
            if (sealedMode != mode)
            {
                info.UnixFileMode = sealedMode;
            }
        }

        return dirs;
    }

    private static void SealDirectories(List<string> dirs, string? exceptTop)
    {
        foreach (var dir in dirs.OrderByDescending(d => d.Length))
        {
            if (dir != exceptTop)
            {
                File.SetUnixFileMode(dir, ReadOnlyDir);
            }
        }
    }

    private const UnixFileMode ReadOnlyDir = UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>Writes a small file so that readers see the old content or the new, never half of it.</summary>
    internal static void WriteAtomically(string path, ReadOnlySpan<byte> content)
    {
        var temp = $"{path}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
            Posix.FsyncDirectory(Path.GetDirectoryName(path)!);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>
    /// Writes several small files so that each is old or new, never half: all written, one syncfs, then the
    /// renames and one fsync per folder (instead of an fsync per file and per folder).
    /// </summary>
    internal static void WriteAtomically(IReadOnlyList<(string Path, byte[] Content)> files)
    {
        if (files.Count == 0)
        {
            return;
        }

        var temps = new List<(string Temp, string Path)>();
        try
        {
            foreach (var (path, content) in files)
            {
                var temp = $"{path}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
                temps.Add((temp, path));
                File.WriteAllBytes(temp, content);
            }

            Posix.SyncFileSystem(Path.GetDirectoryName(files[0].Path)!);
            foreach (var (temp, path) in temps)
            {
                File.Move(temp, path, overwrite: true);
            }

            foreach (var dir in files.Select(f => Path.GetDirectoryName(f.Path)!).Distinct(StringComparer.Ordinal))
            {
                Posix.FsyncDirectory(dir);
            }
        }
        catch
        {
            foreach (var (temp, _) in temps)
            {
                File.Delete(temp);
            }

            throw;
        }
    }

    /// <summary>Deletes a (possibly read-only) tree: write bits come back first, since a sealed folder refuses unlinks.</summary>
    internal static void DeleteTree(string path)
    {
        if (!Directory.Exists(path))
        {
            return;
        }

        // Through TreeWalker: a symlinked folder must not be followed (chmod outside the tree, or a loop).
        foreach (var dir in TreeWalker.Directories(path))
        {
            File.SetUnixFileMode(dir, File.GetUnixFileMode(dir) | UnixFileMode.UserWrite | UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        Directory.Delete(path, recursive: true);
    }
}
