using Nvsdk.Core.Gpu.Cuda;
using Nvsdk.Core.Licenses;

namespace Nvsdk.Core.Sdk;

/// <summary>
/// What a generation is built under besides the lock: the licence grants `install` checked before it downloaded
/// anything (the generation records them and its SBOM names them), and the GPU architectures its env script and
/// modulefiles export. The architectures are read only when a generation is built: reading them asks NVML,
/// which can take longer than a whole no-op install.
/// </summary>
public sealed record GenerationInputs
{
    private readonly Lazy<TargetArchitectures?> targets;

    public GenerationInputs(IReadOnlyList<LicenseGrant> licenses, TargetArchitectures? targets)
        : this(licenses, () => targets)
    {
    }

    public GenerationInputs(IReadOnlyList<LicenseGrant> licenses, Func<TargetArchitectures?> readTargets)
    {
        Licenses = licenses;
        targets = new Lazy<TargetArchitectures?>(readTargets);
    }

    public static GenerationInputs None { get; } = new([], (TargetArchitectures?)null);

    public IReadOnlyList<LicenseGrant> Licenses { get; }

    public TargetArchitectures? Targets => targets.Value;
}
