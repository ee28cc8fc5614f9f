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

    /// <summary>The effective user id: 0 decides the default store root (/var/lib/nvsdk).</summary>
    public static uint EffectiveUserId() => GetEuid();

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();
}
