namespace Nvsdk.Core.Gpu.Host;

/// <summary>The host files doctor reads, in one place (the probe reads them, the snapshot keys them).</summary>
public static class HostPaths
{
    public const string DriverVersion = "/proc/driver/nvidia/version";
    public const string ModuleVersion = "/sys/module/nvidia/version";
    public const string CdiEtc = "/etc/cdi/nvidia.yaml";
    public const string CdiRun = "/var/run/cdi/nvidia.yaml";
    public const string DockerDaemon = "/etc/docker/daemon.json";
    public const string HostConfig = "/etc/nvsdk/host.toml";
    public const string PersistencedPid = "/run/nvidia-persistenced/nvidia-persistenced.pid";

    public static IReadOnlyList<string> Files { get; } = [DriverVersion, ModuleVersion, CdiEtc, CdiRun, DockerDaemon, HostConfig, PersistencedPid];

    /// <summary>Daemons whose presence matters; /proc/*/comm holds at most 15 characters.</summary>
    public static IReadOnlyList<string> Daemons { get; } = ["nvidia-persistenced", "dockerd", "containerd"];
}
