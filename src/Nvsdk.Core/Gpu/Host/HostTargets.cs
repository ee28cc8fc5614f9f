using Nvsdk.Core.Gpu.Cuda;
using Nvsdk.Core.Gpu.Nvml;
using Nvsdk.Core.Host.Config;

namespace Nvsdk.Core.Gpu.Host;

/// <summary>
/// The architectures this host builds for, from what doctor reads: NVML's GPUs, else host.toml's
/// gpu.architectures. One rule for `env`, `shell`, the generation's modulefiles and /etc/profile.d.
/// </summary>
public static class HostTargets
{
    /// <summary>From a snapshot (recorded or live): its NVML answers and its host.toml.</summary>
    public static TargetArchitectures? Of(HostSnapshot host) =>
        TargetArchitectures.Resolve(host.Nvml, Configured(host.File(HostPaths.HostConfig)));

    /// <summary>This host now: NVML, then <paramref name="hostRoot"/>/etc/nvsdk/host.toml.</summary>
    public static TargetArchitectures? Live(string hostRoot = "/")
    {
        var config = Path.Combine(hostRoot, HostPaths.HostConfig.TrimStart('/'));
        var toml = File.Exists(config) ? File.ReadAllText(config) : null;
        return TargetArchitectures.Resolve(NvmlReader.Read(), Configured(toml, config));
    }

    private static IReadOnlyList<ComputeCapability> Configured(string? toml, string path = HostPaths.HostConfig) =>
        toml is null ? [] : HostConfigParser.Parse(path, toml).GpuArchitectures;
}
