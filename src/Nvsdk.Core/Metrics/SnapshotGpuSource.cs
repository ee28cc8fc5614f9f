using Nvsdk.Core.Gpu.Nvml;

namespace Nvsdk.Core.Metrics;

/// <summary>Serves the NVML answers a snapshot recorded (`exporter --from-snapshot`: CI, demos), unchanged.</summary>
public sealed class SnapshotGpuSource(NvmlReport recorded) : IGpuSource
{
    public NvmlReport Read() => recorded;

    public void Dispose()
    {
    }
}
