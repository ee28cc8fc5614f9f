using Nvsdk.Core.Errors;
using Nvsdk.Core.Platform;

namespace Nvsdk.Core.Host;

/// <summary>
/// Inspecting and changing host paths. Every change is atomic (a temporary beside the target, then rename) and
/// takes a host path that <see cref="Locate"/> already resolved inside the root, so a link in the way is never
/// replaced and never leads out of the root.
/// </summary>
public sealed partial class HostRoot
{
    /// <summary>The path as it is now: kind, bytes, mode, owner, link target (a final link is not followed).</summary>
    public HostEntry Inspect(string resolvedPath)
    {
        var onDisk = OnDisk(resolvedPath);
        var info = new FileInfo(onDisk);
        if (info.LinkTarget is { } link)
        {
            var (uid, gid, _) = Posix.LStat(onDisk);
            return new HostEntry(resolvedPath, HostEntryKind.Symlink, null, null, uid, gid, link);
        }

        if (!info.Exists)
        {
            return Directory.Exists(onDisk) ? Other(resolvedPath, onDisk) : HostEntry.Absent(resolvedPath);
        }

        var (u, g, mode) = Posix.LStat(onDisk);
        if ((mode & 0xF000) != 0x8000)
        {
            return Other(resolvedPath, onDisk); // a device, socket or FIFO: never read as a file
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(onDisk);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new NvsdkException(ErrorCode.StoreUnavailable, $"cannot read {onDisk}: permission denied", e) { Hint = "run as root (sudo), or pass --root DIR" };
        }

        return new HostEntry(resolvedPath, HostEntryKind.File, Sha256(bytes), Octal(mode), u, g, null) { Bytes = bytes };
    }

    /// <summary>Writes a regular file with these bytes, mode and owner; returns the folders it had to create (outermost first).</summary>
    public IReadOnlyList<string> WriteFile(string resolvedPath, byte[] bytes, string mode, uint uid = 0, uint gid = 0)
    {
        var created = CreateParents(resolvedPath);
        var full = OnDisk(resolvedPath);
        var temp = Temp(full);
        Guard(full, () =>
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            Posix.LChown(temp, uid, gid);
            File.SetUnixFileMode(temp, (UnixFileMode)Convert.ToInt32(mode, 8));
            Replace(temp, full);
        });
        return created;
    }

    /// <summary>Makes the path a symbolic link to <paramref name="target"/> (as written); returns the folders it created.</summary>
    public IReadOnlyList<string> WriteLink(string resolvedPath, string target, uint uid = 0, uint gid = 0)
    {
        var created = CreateParents(resolvedPath);
        var full = OnDisk(resolvedPath);
        var temp = Temp(full);
        Guard(full, () =>
        {
            File.CreateSymbolicLink(temp, target);
            Posix.LChown(temp, uid, gid);
            Replace(temp, full);
        });
        return created;
    }

    /// <summary>Puts the path back exactly as <paramref name="entry"/> was (its bytes given for a file).</summary>
    public void Restore(HostEntry entry, byte[]? bytes)
    {
        if (Inspect(entry.Path).SameAs(entry))
        {
            return; // already so: no write, not even an mtime
        }

        switch (entry.Kind)
        {
            case HostEntryKind.Absent:
                Delete(entry.Path);
                break;
            case HostEntryKind.File:
                WriteFile(entry.Path, bytes ?? throw new InvalidOperationException($"no kept bytes for {entry.Path}"), entry.Mode!, entry.Uid, entry.Gid);
                break;
            case HostEntryKind.Symlink:
                WriteLink(entry.Path, entry.LinkTarget!, entry.Uid, entry.Gid);
                break;
            default:
                break; // nvsdk never replaced it, so there is nothing to put back
        }
    }

    /// <summary>Removes a file or link nvsdk created (never a folder, never through a link).</summary>
    public void Delete(string resolvedPath)
    {
        var full = OnDisk(resolvedPath);
        var info = new FileInfo(full);
        if (info.Exists || info.LinkTarget is not null)
        {
            Guard(full, () =>
            {
                File.Delete(full);
                Posix.FsyncDirectory(Path.GetDirectoryName(full)!);
            });
        }
    }

    /// <summary>Removes a folder nvsdk created, if nothing else has been put in it since.</summary>
    public void DeleteEmptyFolder(string resolvedPath)
    {
        var full = OnDisk(resolvedPath);
        if (Directory.Exists(full) && new FileInfo(full).LinkTarget is null && !Directory.EnumerateFileSystemEntries(full).Any())
        {
            Directory.Delete(full);
        }
    }

    /// <summary>
    /// Fails, before anything is written, when a path cannot be written: a read-only file system or a folder this
    /// process may not write. Checks the nearest folder that exists on the way to each path.
    /// </summary>
    public void EnsureWritable(IEnumerable<string> resolvedPaths)
    {
        foreach (var path in resolvedPaths)
        {
            var dir = Path.GetDirectoryName(OnDisk(path))!;
            while (!Directory.Exists(dir) && Path.GetDirectoryName(dir) is { } up)
            {
                dir = up;
            }

            var errno = Posix.WriteAccess(dir);
            if (errno != 0)
            {
                var why = errno == Posix.EROFS ? "is on a read-only file system" : "is not writable by this user";
                throw new NvsdkException(ErrorCode.StoreUnavailable, $"cannot write {path}: {dir} {why}; nothing was changed")
                {
                    Hint = errno == Posix.EROFS
                        ? "remount it read-write (or, in a container, mount the host's /etc read-write), then apply again"
                        : "run as root (sudo), or pass --root DIR to work on a copy",
                };
            }
        }
    }

    /// <summary>The folders a write to the path would have to create, outermost first.</summary>
    public IReadOnlyList<string> MissingFolders(string resolvedPath)
    {
        var missing = new List<string>();
        for (var dir = Path.GetDirectoryName(resolvedPath); dir is not null && dir != "/" && !Directory.Exists(OnDisk(dir)); dir = Path.GetDirectoryName(dir))
        {
            missing.Insert(0, dir);
        }

        return missing;
    }

    private IReadOnlyList<string> CreateParents(string resolvedPath)
    {
        var missing = MissingFolders(resolvedPath);
        foreach (var dir in missing)
        {
            Guard(OnDisk(dir), () => Directory.CreateDirectory(OnDisk(dir)));
        }

        return missing;
    }

    private static string Temp(string full)
    {
        foreach (var stale in Directory.EnumerateFiles(Path.GetDirectoryName(full)!, Path.GetFileName(full) + ".nvsdk-*.tmp"))
        {
            File.Delete(stale); // left by an apply killed mid-write; we hold the host lock
        }

        return $"{full}.nvsdk-{Environment.ProcessId}.tmp";
    }

    private static void Replace(string temp, string full)
    {
        try
        {
            Posix.Rename(temp, full);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }

        Posix.FsyncDirectory(Path.GetDirectoryName(full)!);
    }

    private static void Guard(string full, Action write)
    {
        try
        {
            write();
        }
        catch (UnauthorizedAccessException e)
        {
            throw new NvsdkException(ErrorCode.StoreUnavailable, $"cannot write {full}: permission denied", e) { Hint = "run as root (sudo), or pass --root DIR" };
        }
        catch (IOException e) when (e.HResult == Posix.EROFS || e.Message.Contains("Read-only file system", StringComparison.Ordinal))
        {
            throw new NvsdkException(ErrorCode.StoreUnavailable, $"cannot write {full}: read-only file system", e) { Hint = "remount it read-write, then apply again" };
        }
    }

    private HostEntry Other(string resolvedPath, string onDisk)
    {
        var (uid, gid, mode) = Posix.LStat(onDisk);
        return new HostEntry(resolvedPath, HostEntryKind.Other, null, Octal(mode), uid, gid, null);
    }

    private static string Octal(uint mode) => Convert.ToString(mode & 0xFFF, 8);
}
