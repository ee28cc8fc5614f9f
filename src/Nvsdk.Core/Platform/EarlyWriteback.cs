using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Nvsdk.Core.Platform;

/// <summary>
/// Starts the disk on finished files while the rest of the install is still decoding, so the final syncfs has
/// little left to write. sync_file_range(WRITE) only queues the writeback, but the queueing itself waits whenever
/// the disk's request queue is full: called by the unpackers it paced them at disk speed (on the H200 host 16
/// threads spent 8 s in it and the pull took twice as long). So the unpacker only hands over a duplicate of the
/// file's descriptor, and a few threads of its own feed the disk while the unpackers go on. One feeder was not
/// enough there: it started 65 of 130 files before the syncfs, which then had 0.8 s of writing left.
/// Best effort throughout: durability comes from the syncfs, which also drops whatever is still queued.
/// NVSDK_EARLY_WRITEBACK=0 leaves every write to the syncfs.
/// </summary>
internal static partial class EarlyWriteback
{
    private const uint SyncFileRangeWrite = 2;
    private const int FDupFdCloexec = 1030;

    // Queued descriptors stay open; past this many the file is simply left to the syncfs.
    private const int MaxQueued = 512;

    private static readonly bool Enabled = Environment.GetEnvironmentVariable("NVSDK_EARLY_WRITEBACK") is not ("0" or "false");
    private static readonly BlockingCollection<(int Fd, long Offset, long Count)> Queue = new(new ConcurrentQueue<(int, long, long)>());
    private static readonly Lazy<bool> Feeders = new(StartFeeders);

    private static long started;
    private static long dropped;
    private static long busyTicks;

    /// <summary>
    /// Queues the writeback of the bytes [offset, offset + count) already written (count 0: to the end of the
    /// file); returns at once, and the caller may close its handle. A large file is handed over in pieces as it
    /// is written, so the disk need not wait for its last byte and the syncfs does not wait for all of it.
    /// </summary>
    public static void Start(SafeFileHandle file, long offset, long count)
    {
        if (!Enabled || Queue.Count >= MaxQueued)
        {
            return;
        }

        var added = false;
        try
        {
            file.DangerousAddRef(ref added);
            var copy = Fcntl((int)file.DangerousGetHandle(), FDupFdCloexec, 0);
            if (copy < 0)
            {
                return; // out of descriptors: the syncfs writes it
            }

            _ = Feeders.Value;
            Queue.Add((copy, offset, count));
        }
        finally
        {
            if (added)
            {
                file.DangerousRelease();
            }
        }
    }

    /// <summary>Forgets what is still queued: called right before a syncfs, which writes it anyway.</summary>
    public static void Drop()
    {
        while (Queue.TryTake(out var item))
        {
            Interlocked.Increment(ref dropped);
            _ = Posix.Close(item.Fd);
        }
    }

    /// <summary>Writebacks started (files or pieces of them), those dropped at a syncfs, and the feeders' time in sync_file_range, summed (for the trace).</summary>
    public static (long Started, long Dropped, TimeSpan Busy) Totals =>
        (Interlocked.Read(ref started), Interlocked.Read(ref dropped), Stopwatch.GetElapsedTime(0, Interlocked.Read(ref busyTicks)));

    private static bool StartFeeders()
    {
        // Background threads: they never hold the process open, and what they had not reached is the syncfs's.
        // A quarter of the cores (1 to 4): enough submitters to keep a multi-queue disk busy, few enough that
        // they do not take the decoders' cores.
        for (var i = 0; i < Math.Clamp(Environment.ProcessorCount / 4, 1, 4); i++)
        {
            new Thread(Feed) { IsBackground = true, Name = "nvsdk early writeback" }.Start();
        }

        return true;
    }

    private static void Feed()
    {
        foreach (var (fd, offset, count) in Queue.GetConsumingEnumerable())
        {
            var began = Stopwatch.GetTimestamp();
            _ = SyncFileRange(fd, offset, count, SyncFileRangeWrite);
            Interlocked.Add(ref busyTicks, Stopwatch.GetTimestamp() - began);
            Interlocked.Increment(ref started); // counted before the close, so a closed copy is always counted
            _ = Posix.Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "sync_file_range")]
    private static partial int SyncFileRange(int fd, long offset, long count, uint flags);

    [LibraryImport("libc", EntryPoint = "fcntl")]
    private static partial int Fcntl(int fd, int command, int argument);
}
