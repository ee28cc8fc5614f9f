using System.Globalization;

namespace Nvsdk.Core.Gpu.Cuda;

/// <summary>
/// Which GPU architectures a CUDA toolkit release can compile for (nvcc's --list-gpu-arch, per NVIDIA's release
/// notes). CUDA 13 dropped Maxwell, Pascal and Volta (oldest sm_75); CUDA 12 builds from sm_50 and added
/// Blackwell in 12.8; CUDA 11 builds from sm_35. A GPU newer than the newest target still runs the code through
/// PTX JIT, so only "too old" is fatal.
/// </summary>
public static class CudaTargets
{
    public static (ComputeCapability Oldest, ComputeCapability Newest)? For(string cudaVersion)
    {
        var parts = cudaVersion.Split('.');
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major))
        {
            return null;
        }

        var minor = parts.Length > 1 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? m : 0;
        return (major, minor) switch
        {
            (>= 13, _) => (new(7, 5), new(12, 1)),
            (12, >= 9) => (new(5, 0), new(12, 1)),
            (12, 8) => (new(5, 0), new(12, 0)),
            (12, _) => (new(5, 0), new(9, 0)),
            (11, 8) => (new(3, 5), new(9, 0)),
            (11, 0) => (new(3, 5), new(8, 0)),
            (11, _) => (new(3, 5), new(8, 6)),
            _ => null,
        };
    }
}
