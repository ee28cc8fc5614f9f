using System.Runtime.InteropServices;

namespace Nvsdk.Core.Platform;

/// <summary>
/// Owner, mode and writability of a path, which .NET has no API for. statx is used instead of lstat because its
/// struct has one layout on every architecture (lstat's differs between x86_64 and aarch64).
/// </summary>
internal static partial class Posix
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7ff;
    private const int StatxSize = 256;
    private const int WOk = 2;
    private const int XOk = 1;

    /// <summary>The errno of a write refused by a read-only file system.</summary>
    public const int EROFS = 30;

    /// <summary>Owner, group and the full st_mode (type and permission bits) of a path, without following a final link.</summary>
    public static (uint Uid, uint Gid, uint Mode) LStat(string path)
    {
        Span<byte> buffer = stackalloc byte[StatxSize];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot stat {path}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }

        // struct statx: u32 mask, u32 blksize, u64 attributes, u32 nlink, u32 uid, u32 gid, u16 mode, ...
        // (native byte order, as the kernel wrote it).
        return (MemoryMarshal.Read<uint>(buffer[20..]), MemoryMarshal.Read<uint>(buffer[24..]), MemoryMarshal.Read<ushort>(buffer[28..]));
    }

    /// <summary>Sets owner and group of a path (a link itself, not its target).</summary>
    public static void LChown(string path, uint uid, uint gid)
    {
        if (LChownNative(path, uid, gid) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot change the owner of {path}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }
    }

    /// <summary>0 when this process may create files in the folder, else the errno (EACCES, EROFS, ...).</summary>
    public static int WriteAccess(string directory) => Access(directory, WOk) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Whether this process may execute <paramref name="path"/> (access(2) X_OK, as a shell's lookup asks).</summary>
    public static bool MayExecute(string path) => Access(path, XOk) == 0;

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "lchown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int LChownNative(string path, uint uid, uint gid);

    [LibraryImport("libc", EntryPoint = "access", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Access(string path, int mode);
}
