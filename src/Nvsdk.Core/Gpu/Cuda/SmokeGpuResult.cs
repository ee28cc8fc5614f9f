namespace Nvsdk.Core.Gpu.Cuda;

/// <summary>One GPU's smoke test: what it is, whether the kernel computed the right thing, how fast it copies.</summary>
public sealed record SmokeGpuResult
{
    /// <summary>The CUDA device ordinal (as CUDA_VISIBLE_DEVICES numbers them).</summary>
    public required int Index { get; init; }

    public required string Name { get; init; }

    public string? PciBusId { get; init; }

    public ComputeCapability ComputeCapability { get; init; }

    public int Multiprocessors { get; init; }

    public long TotalMemoryBytes { get; init; }

    /// <summary>Peak memory clock in kHz; 0 when the driver does not say.</summary>
    public int MemoryClockKhz { get; init; }

    /// <summary>Memory bus width in bits; 0 when the driver does not say.</summary>
    public int MemoryBusWidthBits { get; init; }

    /// <summary>What the kernel was compiled to, e.g. "cubin sm_90"; null when it never got that far.</summary>
    public string? KernelTarget { get; init; }

    public long KernelElements { get; init; }

    /// <summary>Elements whose result differs from the host's; null when the kernel did not run.</summary>
    public long? Mismatches { get; init; }

    public long? FirstMismatch { get; init; }

    public long CopyBytes { get; init; }

    public int CopyRuns { get; init; }

    /// <summary>Best device-to-device copy, counted as read + write: 2 × bytes / time, in bytes per second.</summary>
    public double? CopyBandwidth { get; init; }

    /// <summary>The first CUDA or NVRTC error, with the step it broke; null when none.</summary>
    public string? Error { get; init; }

    /// <summary>
    /// Theoretical memory bandwidth in bytes per second: 2 (DDR/HBM: two transfers a clock) × clock × bus
    /// width / 8; null when the driver reports neither.
    /// </summary>
    public double? PeakBandwidth => PeakOf(MemoryClockKhz, MemoryBusWidthBits);

    /// <summary>Measured copy bandwidth as a share of <see cref="PeakBandwidth"/> (0.85 = 85 %).</summary>
    public double? PeakShare => CopyBandwidth / PeakBandwidth;

    public bool Passed => Error is null && Mismatches == 0 && CopyBandwidth > 0;

    internal static double? PeakOf(int memoryClockKhz, int busWidthBits) =>
        memoryClockKhz > 0 && busWidthBits > 0 ? 2.0 * memoryClockKhz * 1000.0 * busWidthBits / 8.0 : null;
}
