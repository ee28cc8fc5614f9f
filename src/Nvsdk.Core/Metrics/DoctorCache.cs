using Nvsdk.Core.Gpu.Doctor;
using Nvsdk.Core.Gpu.Host;

namespace Nvsdk.Core.Metrics;

/// <summary>
/// Doctor's verdicts for the exporter, re-evaluated at most once per period and never on a scrape's clock:
/// a scrape that finds the result stale starts one refresh in the background and serves the last result,
/// so reading /proc and the host files never shows up in scrape latency.
/// </summary>
public sealed class DoctorCache
{
    public static readonly TimeSpan DefaultPeriod = TimeSpan.FromSeconds(60);

    private readonly Func<HostSnapshot> capture;
    private readonly TimeSpan period;
    private readonly TimeProvider clock;
    private readonly Action<string>? log;
    private DoctorRun current;
    private int refreshing;

    /// <summary>Runs doctor once now, so the first scrape already has verdicts.</summary>
    public DoctorCache(Func<HostSnapshot> capture, TimeSpan? period = null, TimeProvider? clock = null, Action<string>? log = null)
    {
        this.capture = capture;
        this.period = period ?? DefaultPeriod;
        this.clock = clock ?? TimeProvider.System;
        this.log = log;
        current = Evaluate();
    }

    /// <summary>The latest result; when it is older than the period, a refresh starts behind it.</summary>
    public DoctorRun Current
    {
        get
        {
            var run = Volatile.Read(ref current);
            if (clock.GetUtcNow() - run.At >= period && Interlocked.CompareExchange(ref refreshing, 1, 0) == 0)
            {
                _ = Task.Run(Refresh);
            }

            return run;
        }
    }

    private void Refresh()
    {
        try
        {
            Volatile.Write(ref current, Evaluate());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // Keep serving the previous verdicts; a host file that vanished mid-read is not worth a crash.
            log?.Invoke($"doctor: {e.Message}; keeping the previous verdicts");
        }
        finally
        {
            Volatile.Write(ref refreshing, 0);
        }
    }

    private DoctorRun Evaluate()
    {
        var host = capture();
        return new DoctorRun(host, GpuDoctor.Examine(host), clock.GetUtcNow());
    }
}
