using System.Globalization;

namespace Nvsdk.Core.Gpu.Cuda;

/// <summary>What `nvsdk smoke` found: the libraries it used and one result per GPU.</summary>
public sealed record SmokeResult(
    int DriverVersion,
    string CudaLibrary,
    Version NvrtcVersion,
    string NvrtcLibrary,
    IReadOnlyList<SmokeGpuResult> Gpus)
{
    /// <summary>cuDriverGetVersion as CUDA prints it: 13000 → "13.0" (the newest CUDA the driver supports).</summary>
    public string DriverCudaVersion => string.Create(CultureInfo.InvariantCulture, $"{DriverVersion / 1000}.{DriverVersion % 1000 / 10}");

    /// <summary>True when there was at least one GPU and every one passed.</summary>
    public bool Passed => Gpus.Count > 0 && Gpus.All(g => g.Passed);
}
