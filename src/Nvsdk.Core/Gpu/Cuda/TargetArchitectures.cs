using System.Globalization;
using Nvsdk.Core.Gpu.Nvml;

namespace Nvsdk.Core.Gpu.Cuda;

/// <summary>
/// The GPU architectures builds on this host should target, and where that came from: the GPUs NVML sees, or
/// host.toml's <c>gpu.architectures</c> on a build host without GPUs. Exported as <c>CUDAARCHS</c> (CMake's
/// default for <c>CMAKE_CUDA_ARCHITECTURES</c>, "90;100") and <c>TORCH_CUDA_ARCH_LIST</c> (PyTorch extensions,
/// "9.0;10.0").
/// </summary>
public sealed record TargetArchitectures(IReadOnlyList<ComputeCapability> Capabilities, string Source)
{
    public const string CudaArchsVariable = "CUDAARCHS";

    public const string TorchVariable = "TORCH_CUDA_ARCH_LIST";

    public string CudaArchs => string.Join(';', Capabilities.Select(c => c.Sm.ToString(CultureInfo.InvariantCulture)));

    public string TorchCudaArchList => string.Join(';', Capabilities.Select(c => c.ToString()));

    /// <summary>The variables to export, in a stable order.</summary>
    public IEnumerable<KeyValuePair<string, string>> Variables() =>
        [new(CudaArchsVariable, CudaArchs), new(TorchVariable, TorchCudaArchList)];

    /// <summary>The GPUs present win; else the configured list; null when neither is known (nothing is exported).</summary>
    public static TargetArchitectures? Resolve(NvmlReport? nvml, IReadOnlyList<ComputeCapability> configured)
    {
        var present = (nvml?.Error is null ? nvml?.Gpus : null) ?? [];
        var found = present
            .Where(g => g.ComputeCapabilityMajor is not null && g.ComputeCapabilityMinor is not null)
            .Select(g => new ComputeCapability(g.ComputeCapabilityMajor!.Value, g.ComputeCapabilityMinor!.Value))
            .ToList();
        if (found.Count > 0)
        {
            return new TargetArchitectures(Distinct(found), "gpus");
        }

        return configured.Count > 0 ? new TargetArchitectures(Distinct(configured), "host.toml gpu.architectures") : null;
    }

    private static List<ComputeCapability> Distinct(IEnumerable<ComputeCapability> capabilities) =>
        capabilities.Distinct().Order().ToList();
}
