using System.Globalization;

namespace Nvsdk.Core.Gpu.Cuda;

/// <summary>A GPU's compute capability: 9.0 for H100, which NVRTC targets as sm_90.</summary>
public readonly record struct ComputeCapability(int Major, int Minor)
{
    /// <summary>The SM number NVRTC and nvcc use: 90 for 9.0, 120 for 12.0.</summary>
    public int Sm => (Major * 10) + Minor;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}");
}
