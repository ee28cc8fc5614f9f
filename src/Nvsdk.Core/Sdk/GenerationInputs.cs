using Nvsdk.Core.Gpu.Cuda;
using Nvsdk.Core.Licenses;

namespace Nvsdk.Core.Sdk;

/// <summary>
/// What a generation is built under besides the lock: the licence grants `install` checked before it downloaded
/// anything (the generation records them and its SBOM names them), and the GPU architectures its env script and
/// modulefiles export.
/// The architectures are read only when a generation is built: finding them on a live host loads NVML, which
/// costs tens of milliseconds on a GPU host — most of a no-op install, which builds nothing.
/// </summary>
public sealed record GenerationInputs(IReadOnlyList<LicenseGrant> Licenses, Func<TargetArchitectures?> FindTargets)
{
    private readonly Lazy<TargetArchitectures?> targets = new(FindTargets);

    public static GenerationInputs None { get; } = new([], static () => null);

    /// <summary>The architectures, found on first use.</summary>
    public TargetArchitectures? Targets => targets.Value;
}
