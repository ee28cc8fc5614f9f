using Nvsdk.Core.Gpu.Dcgm;

namespace Nvsdk.Core.Metrics;

/// <summary>
/// Whether dcgm-exporter's profiling fields (DCGM_FI_PROF_*: tensor, graphics-engine and DRAM activity,
/// PCIe bytes) are served. Only DCGM measures them (NVML has no equivalent), so without a working
/// libdcgm.so.4 they are left out, and `nvsdk_exporter_info{prof="unavailable",prof_reason=…}` says why,
/// rather than a fake zero that a dashboard would draw as an idle GPU.
/// </summary>
public sealed record ProfilingSupport(bool Available, string Reason)
{
    public static ProfilingSupport Recorded { get; } = new(false, "serving a recorded snapshot: no DCGM");

    public static ProfilingSupport Of(DcgmProfiler profiler) => new(profiler.Available, profiler.Reason);
}
