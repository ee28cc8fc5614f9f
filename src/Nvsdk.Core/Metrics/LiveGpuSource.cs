using Nvsdk.Core.Gpu.Nvml;

namespace Nvsdk.Core.Metrics;

/// <summary>
/// The live driver through one <see cref="NvmlSession"/> kept open across scrapes. When NVML cannot be
/// opened (no driver yet: a node whose driver container is still starting) its reports carry NVML's reason,
/// it tries again at most every <see cref="RetryPeriod"/>, and logs one line when NVML comes up. Once open it
/// watches XID errors (NVML events) for the life of the session.
/// </summary>
public sealed class LiveGpuSource : IGpuSource
{
    public static readonly TimeSpan RetryPeriod = TimeSpan.FromSeconds(30);

    private readonly IReadOnlyList<string> libraryCandidates;
    private readonly Action<string> log;
    private readonly TimeProvider clock;
    private readonly Lock gate = new();
    private NvmlSession? session;
    private string? error;
    private DateTimeOffset lastAttempt;

    public LiveGpuSource(string hostRoot, Action<string> log, TimeProvider? clock = null)
    {
        libraryCandidates = NvmlSession.LibraryCandidates(hostRoot);
        this.log = log;
        this.clock = clock ?? TimeProvider.System;
        TryOpen(); // a failure is said once, by whoever starts serving (`Read().Error`)
    }

    public NvmlReport Read()
    {
        lock (gate)
        {
            if (session is null && clock.GetUtcNow() - lastAttempt >= RetryPeriod)
            {
                TryOpen();
                if (session is not null)
                {
                    log("NVML is up: serving GPU metrics");
                }
            }

            return session?.Read(readProcesses: false) ?? new NvmlReport { Error = error };
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            session?.Dispose();
            session = null;
        }
    }

    private void TryOpen()
    {
        lastAttempt = clock.GetUtcNow();
        session = NvmlSession.TryOpen(libraryCandidates, out error);
        session?.WatchXids(log);
    }
}
