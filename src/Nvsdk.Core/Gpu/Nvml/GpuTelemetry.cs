namespace Nvsdk.Core.Gpu.Nvml;

/// <summary>
/// The readings of one GPU that only monitoring needs (what `nvsdk exporter` serves under dcgm-exporter's
/// names). Every value is null when NVML answers NOT_SUPPORTED, so a GPU without a fan or HBM simply has
/// fewer series. Units are NVML's, named in each property.
/// </summary>
public sealed record GpuTelemetry
{
    public int? SmClockMHz { get; init; }

    public int? MemoryClockMHz { get; init; }

    public int? MemoryTemperatureC { get; init; }

    /// <summary>Energy since the driver was last loaded (a counter).</summary>
    public long? TotalEnergyMillijoules { get; init; }

    public int? PerformanceState { get; init; }

    /// <summary>Why clocks are below their maximum: NVML's clocks-event (formerly throttle) reason bits.</summary>
    public long? ClocksEventReasons { get; init; }

    public int? FanSpeedPercent { get; init; }

    public int? EncoderUtilization { get; init; }

    public int? DecoderUtilization { get; init; }

    public int? PcieLinkGeneration { get; init; }

    public int? PcieLinkWidth { get; init; }

    public long? PcieReplays { get; init; }

    public long? EccCorrectedVolatile { get; init; }

    public long? EccUncorrectedVolatile { get; init; }

    public long? EccCorrectedAggregate { get; init; }

    public long? EccUncorrectedAggregate { get; init; }

    public int? RemappedRowsCorrectable { get; init; }

    public int? RemappedRowsUncorrectable { get; init; }

    public bool? RowRemapPending { get; init; }

    public bool? RowRemapFailed { get; init; }

    /// <summary>NVLink data sent plus received over every active link since the driver loaded, in KiB; null without NVLink.</summary>
    public long? NvLinkDataKiB { get; init; }

    /// <summary>A vGPU guest's licence: true licensed, false not; null where NVML reports no licence (bare metal).</summary>
    public bool? VgpuLicensed { get; init; }

    /// <summary>The last XID error NVML's event set reported for this GPU (0: none since the exporter started); null when not watched.</summary>
    public int? LastXid { get; init; }

    /// <summary>How many XID errors NVML's event set reported for this GPU since the exporter started; null when not watched.</summary>
    public long? XidErrors { get; init; }
}
