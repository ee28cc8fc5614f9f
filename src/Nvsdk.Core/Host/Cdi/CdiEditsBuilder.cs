namespace Nvsdk.Core.Host.Cdi;

/// <summary>
/// Turns what discovery found into a CDI spec for kind nvidia.com/gpu: a device per GPU by index and by UUID,
/// "all", and common edits (control nodes, driver files, the ldcache hook) that any of them brings along.
/// </summary>
internal static class CdiEditsBuilder
{
    public const string Kind = "nvidia.com/gpu";
    public const string AllDevices = "all";
    public const string DefaultHookPath = "/usr/bin/nvidia-cdi-hook";

    /// <summary>Read-only bind mounts that cannot bring set-uid programs or device files along.</summary>
    public static IReadOnlyList<string> FileMountOptions { get; } = ["ro", "nosuid", "nodev", "bind"];

    public static IReadOnlyList<string> SocketMountOptions { get; } = ["ro", "nosuid", "nodev", "bind", "noexec"];

    /// <summary>Keeps the NVIDIA runtime hook (if also installed) from injecting GPUs a second time, as nvidia-ctk does.</summary>
    public const string VisibleDevicesVoid = "NVIDIA_VISIBLE_DEVICES=void";

    public static CdiSpec Build(NvidiaHostInventory host, string hookPath)
    {
        var devices = new List<CdiDevice>();
        foreach (var gpu in host.Gpus)
        {
            var edits = CdiContainerEdits.Empty with { DeviceNodes = [new CdiDeviceNode(gpu.DeviceNode)] };
            devices.Add(new CdiDevice(gpu.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), edits));
            devices.Add(new CdiDevice(gpu.Uuid, edits));
        }

        devices.Add(new CdiDevice(
            AllDevices,
            CdiContainerEdits.Empty with { DeviceNodes = host.Gpus.Select(g => new CdiDeviceNode(g.DeviceNode)).ToList() }));

        var mounts = host.Libraries.Concat(host.Binaries).Concat(host.Firmware)
            .Select(f => new CdiMount(f.HostPath, f.ContainerPath, FileMountOptions))
            .ToList();
        if (host.PersistencedSocket is { } socket)
        {
            mounts.Add(new CdiMount(socket, socket, SocketMountOptions));
        }

        var hooks = new List<CdiHook>();
        var folders = host.Libraries.Select(l => Path.GetDirectoryName(l.ContainerPath)!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (folders.Count > 0)
        {
            var args = new List<string> { Path.GetFileName(hookPath), "update-ldcache" };
            foreach (var folder in folders)
            {
                args.Add("--folder");
                args.Add(folder);
            }

            hooks.Add(new CdiHook("createContainer", hookPath, args));
        }

        var common = new CdiContainerEdits(
            [VisibleDevicesVoid],
            host.ControlDeviceNodes.Select(n => new CdiDeviceNode(n)).ToList(),
            hooks,
            mounts);
        var spec = new CdiSpec(CdiSpecVersion.Base, Kind, devices, common);
        return spec with { CdiVersion = CdiSpecVersion.Minimum(spec) };
    }
}
