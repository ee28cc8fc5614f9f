using System.Runtime.InteropServices;

namespace Nvsdk.Core.Platform;

internal static partial class Posix
{
    /// <summary>How many names a file has (st_nlink), not following a final link.</summary>
    public static uint LinkCount(string path)
    {
        Span<byte> buffer = stackalloc byte[StatxSize];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot stat {path}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }

        return MemoryMarshal.Read<uint>(buffer[16..]); // struct statx: u32 mask, u32 blksize, u64 attributes, u32 nlink
    }
}
