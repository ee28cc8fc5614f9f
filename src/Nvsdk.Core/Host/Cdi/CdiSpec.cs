namespace Nvsdk.Core.Host.Cdi;

/// <summary>
/// A CDI spec as nvsdk writes it: the subset of SPEC.md it uses (no annotations, netDevices or intelRdt), so the
/// lowest version that accepts it is at most 0.5.0 (device names that start with a digit); see CdiSpecVersion.
/// </summary>
internal sealed record CdiSpec(string CdiVersion, string Kind, IReadOnlyList<CdiDevice> Devices, CdiContainerEdits ContainerEdits);

/// <summary>One requestable device ("nvidia.com/gpu=0") and the edits that requesting it makes.</summary>
internal sealed record CdiDevice(string Name, CdiContainerEdits ContainerEdits);

/// <summary>The edits CDI makes to a container's OCI spec.</summary>
internal sealed record CdiContainerEdits(
    IReadOnlyList<string> Env,
    IReadOnlyList<CdiDeviceNode> DeviceNodes,
    IReadOnlyList<CdiHook> Hooks,
    IReadOnlyList<CdiMount> Mounts)
{
    public static CdiContainerEdits Empty { get; } = new([], [], [], []);
}

/// <summary>A device node: its path in the container, and on the host when that differs (a driver root; CDI 0.5.0).</summary>
internal sealed record CdiDeviceNode(string Path, string? HostPath = null);

internal sealed record CdiMount(string HostPath, string ContainerPath, IReadOnlyList<string> Options);

/// <summary>An OCI hook; <see cref="Args"/> is argv, so it starts with the program's name.</summary>
internal sealed record CdiHook(string HookName, string Path, IReadOnlyList<string> Args);
