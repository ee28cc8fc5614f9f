namespace Nvsdk.Core.Host.Cdi;

/// <summary>
/// Turns what discovery found into a CDI spec for kind nvidia.com/gpu: a device per GPU by index and by UUID,
/// "all", and common edits (control nodes, driver files, the ldcache hook) that any of them brings along.
/// </summary>
internal static class CdiEditsBuilder
{
    public const string Kind = "nvidia.com/gpu";
    public const string AllDevices = "all";

    /// <summary>Read-only bind mounts that cannot bring set-uid programs or device files along.</summary>
    public static IReadOnlyList<string> FileMountOptions { get; } = ["ro", "nosuid", "nodev", "bind"];

    public static IReadOnlyList<string> SocketMountOptions { get; } = ["ro", "nosuid", "nodev", "bind", "noexec"];

    /// <summary>Keeps the NVIDIA runtime hook (if also installed) from injecting GPUs a second time, as nvidia-ctk does.</summary>
    public const string VisibleDevicesVoid = "NVIDIA_VISIBLE_DEVICES=void";

    /// <param name="host">What discovery found.</param>
    /// <param name="hook">The program the runtime runs as the createContainer hooks (nvsdk itself, or nvidia-cdi-hook).</param>
    /// <param name="driverRoot">
    /// Where the host's files are seen by the container runtime: "/" normally; a folder when the driver lives under
    /// a root the runtime does not chroot into (as nvidia-ctk's --driver-root), which becomes every hostPath's prefix.
    /// </param>
    public static CdiSpec Build(NvidiaHostInventory host, CdiHookProgram hook, string driverRoot = "/")
    {
        var prefix = driverRoot == "/" ? string.Empty : driverRoot.TrimEnd('/');
        CdiDeviceNode Node(string path) => new(path, prefix.Length == 0 ? null : prefix + path);
        var devices = new List<CdiDevice>();
        foreach (var gpu in host.Gpus)
        {
            var edits = CdiContainerEdits.Empty with { DeviceNodes = [Node(gpu.DeviceNode)] };
            devices.Add(new CdiDevice(gpu.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), edits));
            devices.Add(new CdiDevice(gpu.Uuid, edits));
        }

        devices.Add(new CdiDevice(
            AllDevices,
            CdiContainerEdits.Empty with { DeviceNodes = host.Gpus.Select(g => Node(g.DeviceNode)).ToList() }));

        var mounts = host.Libraries.Concat(host.Binaries).Concat(host.Firmware).Concat(host.GraphicsConfigs)
            .Select(f => new CdiMount(prefix + f.HostPath, f.ContainerPath, FileMountOptions))
            .ToList();
        if (host.PersistencedSocket is { } socket)
        {
            mounts.Add(new CdiMount(prefix + socket, socket, SocketMountOptions));
        }

        // As nvidia-ctk: libcuda.so → libcuda.so.1 for build systems, the CUDA compat libraries, then the linker cache (which also makes the
        // soname links such as libcuda.so.1 itself) for every library folder.
        var hooks = new List<CdiHook>();
        if (host.Libraries.FirstOrDefault(l => NvidiaHostDiscovery.LibraryName(Path.GetFileName(l.ContainerPath)) == "libcuda") is { } libcuda)
        {
            hooks.Add(hook.Hook("create-symlinks", ["--link", $"libcuda.so.1::{Path.GetDirectoryName(libcuda.ContainerPath)}/libcuda.so"]));
        }

        // As nvidia-ctk: a CUDA image's forward-compat libcuda goes first when it is newer than the host's driver;
        // before update-ldcache, which builds the linker cache from the drop-in this one writes.
        if (host.DriverVersion is { } driver && host.Libraries.Count > 0)
        {
            hooks.Add(hook.Hook(Hooks.ContainerCudaCompat.Verb, [$"{Hooks.ContainerCudaCompat.HostDriverVersionOption}={driver}"]));
        }

        var folders = host.Libraries.Select(l => Path.GetDirectoryName(l.ContainerPath)!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (folders.Count > 0)
        {
            hooks.Add(hook.Hook("update-ldcache", folders.SelectMany(f => new[] { "--folder", f })));
        }

        var common = new CdiContainerEdits(
            [VisibleDevicesVoid],
            host.ControlDeviceNodes.Select(Node).ToList(),
            hooks,
            mounts);
        var spec = new CdiSpec(CdiSpecVersion.Base, Kind, devices, common);
        return spec with { CdiVersion = CdiSpecVersion.Minimum(spec) };
    }
}
