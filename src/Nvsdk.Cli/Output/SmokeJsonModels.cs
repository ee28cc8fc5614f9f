using Nvsdk.Core.Gpu.Cuda;

namespace Nvsdk.Cli.Output;

// The `nvsdk smoke --json` shapes, built from the same SmokeResult as the text. Bandwidths are in GB/s (10^9).

internal sealed record JsonSmoke(
    bool Passed,
    string DriverCudaVersion,
    int DriverVersion,
    string CudaLibrary,
    string NvrtcVersion,
    string NvrtcLibrary,
    IReadOnlyList<JsonSmokeGpu> Gpus)
{
    public static JsonSmoke From(SmokeResult r) => new(
        r.Passed,
        r.DriverCudaVersion,
        r.DriverVersion,
        r.CudaLibrary,
        r.NvrtcVersion.ToString(),
        r.NvrtcLibrary,
        r.Gpus.Select(JsonSmokeGpu.From).ToList());
}

internal sealed record JsonSmokeGpu(
    int Index,
    string Name,
    string? PciBusId,
    string ComputeCapability,
    int Multiprocessors,
    long TotalMemoryBytes,
    int MemoryClockKhz,
    int MemoryBusWidthBits,
    string? KernelTarget,
    long KernelElements,
    long? Mismatches,
    long? FirstMismatch,
    long CopyBytes,
    int CopyRuns,
    double? CopyBandwidthGBps,
    double? PeakBandwidthGBps,
    double? PeakShare,
    bool Passed,
    string? Error)
{
    public static JsonSmokeGpu From(SmokeGpuResult g) => new(
        g.Index,
        g.Name,
        g.PciBusId,
        g.ComputeCapability.ToString(),
        g.Multiprocessors,
        g.TotalMemoryBytes,
        g.MemoryClockKhz,
        g.MemoryBusWidthBits,
        g.KernelTarget,
        g.KernelElements,
        g.Mismatches,
        g.FirstMismatch,
        g.CopyBytes,
        g.CopyRuns,
        Round(g.CopyBandwidth / 1e9, 1),
        Round(g.PeakBandwidth / 1e9, 1),
        Round(g.PeakShare, 3),
        g.Passed,
        g.Error);

    private static double? Round(double? value, int digits) => value is { } v ? Math.Round(v, digits) : null;
}
