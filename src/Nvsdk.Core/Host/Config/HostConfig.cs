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
}
