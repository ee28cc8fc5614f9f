namespace Nvsdk.Core.Gpu.Cuda;

/// <summary>What `nvsdk smoke` runs; the defaults are what the command uses.</summary>
public sealed record SmokeOptions
{
    /// <summary>The store root whose current generation is searched first for libnvrtc; null resolves the default root.</summary>
    public string? StoreRoot { get; init; }

    /// <summary>Test only this CUDA device ordinal; null tests every GPU the driver shows.</summary>
    public int? Device { get; init; }

    /// <summary>Elements of the saxpy kernel's vectors (16 Mi floats: 64 MiB each).</summary>
    public int KernelElements { get; init; } = 16 * 1024 * 1024;

    /// <summary>Bytes per device-to-device copy; halved while two buffers would not fit in free memory.</summary>
    public long CopyBytes { get; init; } = 1L << 30;

    /// <summary>Timed copies; the best one is reported (after one untimed warm-up copy).</summary>
    public int CopyRuns { get; init; } = 10;

    /// <summary>Tests point this at a missing file to see the "no driver" finding.</summary>
    internal string CudaLibrary { get; init; } = CudaDriver.DefaultLibrary;

    /// <summary>Tests replace the libnvrtc search with their own list.</summary>
    internal IReadOnlyList<string>? NvrtcCandidates { get; init; }
}
