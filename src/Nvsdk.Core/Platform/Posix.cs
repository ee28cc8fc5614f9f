using System.Runtime.InteropServices;

namespace Nvsdk.Core.Platform;

/// <summary>
/// The few libc calls .NET has no API for. Directory fsync is what makes a rename durable: without it a
/// crash can lose the new name even though the file's bytes were flushed.
/// </summary>
internal static partial class Posix
{
    private const int ORdOnly = 0;
    private const int ODirectory = 0x10000; // Linux value on x86_64 and aarch64
    private const int OCloexec = 0x80000;

    /// <summary>Flushes a directory's entries to disk; best effort on file systems that refuse it.</summary>
    public static void FsyncDirectory(string path)
    {
        var fd = Open(path, ORdOnly | ODirectory | OCloexec);
        if (fd < 0)
        {
            return;
        }

        try
        {
            _ = Fsync(fd);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>
    /// Flushes the whole file system holding <paramref name="path"/>: one call instead of an fsync per file,
    /// which matters for trees of thousands of headers.
    /// </summary>
    public static void SyncFileSystem(string path)
    {
        var fd = Open(path, ORdOnly | ODirectory | OCloexec);
        if (fd < 0)
        {
            return;
        }

        try
        {
            EarlyWriteback.Drop(); // this writes whatever the early writeback had not reached yet
            _ = SyncFs(fd);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int SyncFs(int fd);

    /// <summary>The effective user id: 0 decides the default store root (/var/lib/nvsdk).</summary>
    public static uint EffectiveUserId() => GetEuid();

    /// <summary>The physical path with every symlink resolved (realpath(3)), or null if it does not exist.</summary>
    public static string? RealPath(string path)
    {
        var resolved = RealPathNative(path, 0);
        if (resolved == 0)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            Free(resolved);
        }
    }

    /// <summary>Makes <paramref name="newPath"/> another name of the file at <paramref name="existing"/>.</summary>
    public static void HardLink(string existing, string newPath)
    {
        if (Link(existing, newPath) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot hard-link {newPath} to {existing}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }
    }

    /// <summary>rename(2): atomic, and unlike File.Move it never looks through a symlink it is moving.</summary>
    public static void Rename(string from, string to)
    {
        if (RenameNative(from, to) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot rename {from} to {to}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }
    }

    [LibraryImport("libc", EntryPoint = "rename", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int RenameNative(string from, string to);

    /// <summary>errno of a failed <see cref="HardLink"/> that means "different file systems".</summary>
    public const int EXDEV = 18;

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint RealPathNative(string path, nint resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void Free(nint pointer);

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string existing, string newPath);

    /// <summary>
    /// Opens a file for reading without the advisory flock .NET's FileStream takes, so a file another stream of
    /// ours holds exclusively (a download being written) can be read as it grows. Null when it does not exist.
    /// </summary>
    public static FileStream? OpenUnlockedForReading(string path)
    {
        var fd = Open(path, ORdOnly | OCloexec);
        if (fd < 0)
        {
            return null;
        }

        return new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true), FileAccess.Read, 0, isAsync: false);
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    internal static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();
}
