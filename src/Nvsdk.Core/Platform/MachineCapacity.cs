using System.Globalization;

namespace Nvsdk.Core.Platform;

/// <summary>
/// How much work this machine takes at once, read from the machine instead of a constant: one artifact per core
/// (each single-block xz archive decodes on one core), fewer when memory is short. `--jobs` overrides it.
/// </summary>
public static class MachineCapacity
{
    /// <summary>
    /// What one artifact in flight may hold: the xz decoder's dictionary (NVIDIA's archives use up to 64 MiB),
    /// the read-ahead chunks, the download buffer and the tar writer's buffers, rounded up generously.
    /// </summary>
    public const long MemoryPerWorker = 96L << 20;

    /// <summary>Artifacts at once on this machine: its cores, bounded by available memory, at least one.</summary>
    public static int Workers { get; } = WorkersFor(Environment.ProcessorCount, AvailableMemory());

    /// <summary>
    /// Lets <paramref name="streams"/> decode streams run at once without waiting for threads. Each keeps two
    /// pool threads busy (its decoder's read-ahead, its tar reader and writer) and queues its file writes to the
    /// pool; the pool starts with one thread per core and adds more only slowly (about two a second) once work
    /// queues up, so 16 streams on 16 cores took turns on 16 threads, the cores 60% idle (measured on the H200
    /// host). Only ever raises the minimum.
    /// </summary>
    public static void ReserveThreads(int streams)
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        var wanted = Math.Min(512, (3 * Math.Max(1, streams)) + Environment.ProcessorCount);
        if (workers < wanted)
        {
            ThreadPool.SetMinThreads(wanted, io);
        }
    }

    /// <summary>Artifacts at once for <paramref name="items"/> pieces of work under a limit of <paramref name="limit"/>.</summary>
    public static int For(int items, int limit) => Math.Max(1, Math.Min(items, limit));

    internal static int WorkersFor(int cores, long? availableBytes) =>
        Math.Max(1, availableBytes is { } bytes ? (int)Math.Min(cores, Math.Max(1, bytes / MemoryPerWorker)) : cores);

    /// <summary>MemAvailable, further bounded by a cgroup v2 memory.max (a container's limit); null when unknown.</summary>
    internal static long? AvailableMemory()
    {
        var available = ReadMeminfo("MemAvailable:");
        var limit = ReadCgroupLimit();
        return (available, limit) switch
        {
            ({ } a, { } l) => Math.Min(a, l),
            ({ } a, null) => a,
            (null, { } l) => l,
            _ => null,
        };
    }

    private static long? ReadMeminfo(string key)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (line.StartsWith(key, StringComparison.Ordinal)
                    && long.TryParse(line[key.Length..].Trim().Split(' ')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var kib))
                {
                    return kib * 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }

    private static long? ReadCgroupLimit()
    {
        try
        {
            var text = File.ReadAllText("/sys/fs/cgroup/memory.max").Trim();
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) ? bytes : null; // "max": no limit
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
