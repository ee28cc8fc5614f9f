namespace Nvsdk.Core.Host.Config;

/// <summary>
/// /etc/nvsdk/host.toml: the seed's NixOS module options (hardware.nvidia-sdk.*), same names, same defaults.
/// </summary>
public sealed record HostConfig
{
    /// <summary>Nothing is managed unless this is true (a default install changes nothing).</summary>
    public bool Enable { get; init; }

    /// <summary>Put the current SDK generation on every login's PATH, CUDA_PATH, CUDA_HOME.</summary>
    public bool SystemPackages { get; init; } = true;

    /// <summary>nvtop and btop from the distribution.</summary>
    public bool Monitoring { get; init; } = true;

    /// <summary>"latest", a branch ("590") or an exact version ("590.44.01").</summary>
    public string DriverPackage { get; init; } = "latest";

    /// <summary>The open kernel module (Turing and newer) rather than the proprietary one.</summary>
    public bool DriverOpen { get; init; } = true;

    /// <summary>Run nvidia-persistenced so GPUs stay initialised on headless hosts.</summary>
    public bool Persistenced { get; init; } = true;

    /// <summary>A CDI spec for Docker/Podman, and features.cdi in Docker's daemon.json.</summary>
    public bool ContainerEnable { get; init; } = true;

    /// <summary>
    /// [container] graphics: the CDI spec also mounts the driver's graphics config files (Vulkan ICD, EGL vendor and
    /// platforms, OptiX, OpenCL ICD) so Vulkan/EGL/OpenGL workloads find the driver. Off by default (compute nodes).
    /// </summary>
    public bool ContainerGraphics { get; init; }

    /// <summary>
    /// [gpu] architectures: what builds target on a host whose GPUs NVML cannot see (a build host); the GPUs
    /// present win where there are some. Exported as CUDAARCHS and TORCH_CUDA_ARCH_LIST.
    /// </summary>
    public IReadOnlyList<Gpu.Cuda.ComputeCapability> GpuArchitectures { get; init; } = [];

    /// <summary>
    /// Licence ids accepted for every install on this host (<c>acceptLicenses = true</c> reads as "all"): the
    /// fleet-wide form of `nvsdk licenses accept`, like Nix's allowUnfree.
    /// </summary>
    public IReadOnlyList<string> AcceptLicenses { get; init; } = [];

    // Two configs read from equal files are equal: the lists compare by content (a record compares references).
    // A new scalar option must join Scalars.
    private (bool, bool, bool, string, bool, bool, bool, bool) Scalars => (Enable, SystemPackages, Monitoring, DriverPackage, DriverOpen, Persistenced, ContainerEnable, ContainerGraphics);

    public bool Equals(HostConfig? other) =>
        other is not null && Scalars == other.Scalars && GpuArchitectures.SequenceEqual(other.GpuArchitectures) && AcceptLicenses.SequenceEqual(other.AcceptLicenses, StringComparer.Ordinal);

    public override int GetHashCode() => Scalars.GetHashCode();
}
