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
}
