namespace Nvsdk.Core.Host.Cdi;

/// <summary>What discovery found on a host: the raw material of a CDI spec, nothing CDI-specific yet.</summary>
internal sealed record NvidiaHostInventory(
    string? DriverVersion,
    IReadOnlyList<NvidiaGpu> Gpus,
    IReadOnlyList<string> ControlDeviceNodes,
    IReadOnlyList<HostFileMount> Libraries,
    IReadOnlyList<HostFileMount> Binaries,
    IReadOnlyList<HostFileMount> Firmware,
    string? PersistencedSocket)
{
    /// <summary>The graphics loaders' config files (Vulkan ICD, EGL vendor and platforms…); empty unless asked for.</summary>
    public IReadOnlyList<HostFileMount> GraphicsConfigs { get; init; } = [];
}

/// <summary>One GPU from /proc/driver/nvidia/gpus/*/information; <see cref="Index"/> is its rank by PCI address (NVML's order).</summary>
internal sealed record NvidiaGpu(int Index, int Minor, string Uuid, string BusId)
{
    public string DeviceNode => $"/dev/nvidia{Minor}";
}

/// <summary>A host file to bind into containers: where it really is, and where the container sees it.</summary>
internal sealed record HostFileMount(string HostPath, string ContainerPath);
