using Nvsdk.Core.Gpu.Nvml;

namespace Nvsdk.Core.Metrics;

/// <summary>Where the exporter's GPU values come from: the live driver or a recorded snapshot.</summary>
public interface IGpuSource : IDisposable
{
    /// <summary>NVML's answers now; never throws for a missing or broken driver (the report's Error says).</summary>
    NvmlReport Read();
}
