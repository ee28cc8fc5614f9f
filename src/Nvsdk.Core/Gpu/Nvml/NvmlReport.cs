namespace Nvsdk.Core.Gpu.Nvml;

/// <summary>
/// Everything nvsdk asks NVML, as plain data: what doctor and status reason about, and what a snapshot
/// records and replays. <see cref="Error"/> is NVML's own name for a failure (LIB_RM_VERSION_MISMATCH,
/// DRIVER_NOT_LOADED, LIBRARY_NOT_FOUND…); when set, the other fields may be empty.
/// </summary>
public sealed record NvmlReport
{
    public string? Error { get; init; }

    public string? DriverVersion { get; init; }

    /// <summary>The CUDA version the driver supports, as NVML encodes it (13000 = 13.0).</summary>
    public int? CudaDriverVersion { get; init; }

    public string? NvmlVersion { get; init; }

    public IReadOnlyList<GpuReport> Gpus { get; init; } = [];
}

/// <summary>One GPU as NVML sees it; a value NVML cannot give (NOT_SUPPORTED) is null.</summary>
public sealed record GpuReport
{
    public required int Index { get; init; }

    public required string Name { get; init; }

    public required string Uuid { get; init; }

    public string? BusId { get; init; }

    public bool? PersistenceMode { get; init; }

    public bool? MigEnabled { get; init; }

    public bool? MigPending { get; init; }

    public bool? EccEnabled { get; init; }

    public bool? EccPending { get; init; }

    public int? TemperatureC { get; init; }

    public double? PowerW { get; init; }

    public double? PowerLimitW { get; init; }

    public long? MemoryTotalBytes { get; init; }

    public long? MemoryUsedBytes { get; init; }

    public long? MemoryFreeBytes { get; init; }

    /// <summary>What the driver reserves for itself (NVML's v2 memory info, r510+); then used leaves it out. Null from v1.</summary>
    public long? MemoryReservedBytes { get; init; }

    public int? UtilizationGpu { get; init; }

    public int? UtilizationMemory { get; init; }

    public int? ComputeCapabilityMajor { get; init; }

    public int? ComputeCapabilityMinor { get; init; }

    public int? MaxMemoryClockMHz { get; init; }

    public int? MemoryBusWidthBits { get; init; }

    /// <summary>The N of /dev/nvidiaN (dcgm-exporter's `device` label); null in snapshots recorded before it was read.</summary>
    public int? MinorNumber { get; init; }

    /// <summary>Clocks, counters and error totals the exporter serves; null in snapshots recorded before they were read.</summary>
    public GpuTelemetry? Telemetry { get; init; }

    public IReadOnlyList<GpuProcess> Processes { get; init; } = [];

    /// <summary>Theoretical memory bandwidth: two transfers per clock over the bus width.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double? PeakMemoryBandwidthBytesPerSecond =>
        MaxMemoryClockMHz is { } clock && MemoryBusWidthBits is { } width ? 2.0 * clock * 1e6 * width / 8 : null;
}

public sealed record GpuProcess(int Pid, string? Name, long? UsedMemoryBytes);
