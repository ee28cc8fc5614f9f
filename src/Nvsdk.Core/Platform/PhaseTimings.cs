using System.Diagnostics;
using System.Globalization;

namespace Nvsdk.Core.Platform;

/// <summary>
/// Where an install's time goes, for whoever tunes it: with NVSDK_TRACE_TIMINGS=1 each measured phase prints one
/// line on stderr (`nvsdk: timing +1.234 s  syncfs  0.812 s`: when it ended since the process started, its name,
/// how long it took). A developer's trace like DOTNET_ event counters, not output: off, it costs one branch.
/// </summary>
public static class PhaseTimings
{
    public static bool Enabled { get; } = Environment.GetEnvironmentVariable("NVSDK_TRACE_TIMINGS") is "1" or "true";

    /// <summary>Times the phase until the returned scope is disposed.</summary>
    public static Scope Measure(string phase) => new(Enabled ? phase : null, Stopwatch.GetTimestamp());

    /// <summary>Notes a point in time (how long the process has run when it is reached).</summary>
    public static void Mark(string point)
    {
        if (Enabled)
        {
            Write(point, null);
        }
    }

    /// <summary>Notes what the runtime spent: collections per generation, their total pause, bytes allocated, threads.</summary>
    public static void MarkRuntime()
    {
        if (Enabled)
        {
            Write(string.Create(CultureInfo.InvariantCulture, $"runtime: gc {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} (gen0/1/2), paused {GC.GetTotalPauseDuration().TotalMilliseconds:0} ms, allocated {GC.GetTotalAllocatedBytes() >> 20} MiB, {ThreadPool.ThreadCount} pool threads"), null);
            var (started, dropped, busy) = EarlyWriteback.Totals;
            if (started + dropped == 0)
            {
                return; // nothing was written (a no-op, a read-only verb)
            }

            Write(string.Create(CultureInfo.InvariantCulture, $"early writeback: {started} writebacks started (files, or pieces of large ones) by its threads in {busy.TotalSeconds:0.000} s (summed), {dropped} left to the syncfs"), null);
        }
    }

    private static void Write(string phase, TimeSpan? took)
    {
        var sinceStart = DateTime.Now - Process.GetCurrentProcess().StartTime;
        var line = string.Create(CultureInfo.InvariantCulture, $"nvsdk: timing +{sinceStart.TotalSeconds:0.000} s  {phase}{(took is { } t ? $"  {t.TotalSeconds:0.000} s" : string.Empty)}");
        Console.Error.WriteLine(line);
    }

    public readonly struct Scope(string? phase, long started) : IDisposable
    {
        public void Dispose()
        {
            if (phase is not null)
            {
                Write(phase, Stopwatch.GetElapsedTime(started));
            }
        }
    }
}
