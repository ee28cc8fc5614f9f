using Nvsdk.Core.Gpu.Cuda;
using Nvsdk.Core.Licenses;

namespace Nvsdk.Core.Sdk;

/// <summary>
/// What a generation is built under besides the lock: the licence grants `install` checked before it downloaded
/// anything (the generation records them and its SBOM names them), and the GPU architectures its env script and
/// modulefiles export.
/// </summary>
public sealed record GenerationInputs(IReadOnlyList<LicenseGrant> Licenses, TargetArchitectures? Targets)
{
    public static GenerationInputs None { get; } = new([], null);
}
