using System.Runtime.InteropServices;
using System.Text;

namespace Nvsdk.Core.Platform;

/// <summary>The kernel's log ring buffer through /dev/kmsg, which .NET cannot open non-blocking.</summary>
internal static partial class Posix
{
    private const int ONonblock = 0x800;
    private const int EAGAIN = 11;
    private const int EPIPE = 32;
    private const int EINTR = 4;

    /// <summary>
    /// Every record still in the kernel's ring buffer, message text only (after the `prio,seq,usec,flags;`
    /// prefix); null when /dev/kmsg cannot be opened (absent, or dmesg_restrict for a non-root user).
    /// One read() is one record; EAGAIN means the end, EPIPE that a record was overwritten while reading.
    /// </summary>
    public static unsafe IReadOnlyList<string>? ReadKmsg(string path)
    {
        var fd = Open(path, ORdOnly | ONonblock | OCloexec);
        if (fd < 0)
        {
            return null;
        }

        try
        {
            var records = new List<string>();
            var buffer = stackalloc byte[8192];
            while (true)
            {
                var n = Read(fd, buffer, 8192);
                if (n > 0)
                {
                    var record = Encoding.UTF8.GetString(buffer, (int)n).TrimEnd('\n');
                    var text = record.IndexOf(';', StringComparison.Ordinal) is var semi and >= 0 ? record[(semi + 1)..] : record;
                    records.Add(text.Split('\n')[0]); // continuation lines (" KEY=value") are metadata
                    continue;
                }

                var errno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
                if (errno is EPIPE or EINTR)
                {
                    continue;
                }

                return errno is 0 or EAGAIN ? records : null;
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint Read(int fd, byte* buffer, nint count);
}
