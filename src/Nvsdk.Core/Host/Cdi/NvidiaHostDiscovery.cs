using System.Globalization;
using System.Text.RegularExpressions;
using Nvsdk.Core.Errors;

namespace Nvsdk.Core.Host.Cdi;

/// <summary>
/// Finds the NVIDIA GPUs, device nodes, driver libraries, binaries, GSP firmware and persistenced socket a host
/// really has, reading only under its root. The first step of CDI generation; knows nothing of CDI.
/// </summary>
internal static partial class NvidiaHostDiscovery
{
    public const string GpusDir = "/proc/driver/nvidia/gpus";
    public const string DriverVersionFile = "/proc/driver/nvidia/version";
    public const string ModuleVersionFile = "/sys/module/nvidia/version";
    public const string LdCacheFile = "/etc/ld.so.cache";
    public const string PersistencedSocket = "/run/nvidia-persistenced/socket";

    /// <summary>Control nodes every container with a GPU needs, when the host has them.</summary>
    public static IReadOnlyList<string> ControlNodes { get; } =
        ["/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools", "/dev/nvidia-modeset"];

    /// <summary>
    /// The driver's user-space libraries for compute and management (nvidia-container-toolkit's compute and utility
    /// sets), by name before ".so".
    /// </summary>
    public static IReadOnlyList<string> Libraries { get; } =
    [
        "libcuda", "libcudadebugger", "libnvidia-allocator", "libnvidia-cfg", "libnvidia-compiler",
        "libnvidia-fatbinaryloader", "libnvidia-gpucomp", "libnvidia-ml", "libnvidia-nvvm", "libnvidia-opencl",
        "libnvidia-pkcs11", "libnvidia-pkcs11-openssl3", "libnvidia-ptxjitcompiler",
    ];

    /// <summary>Where drivers put their libraries, searched as well as the linker cache.</summary>
    public static IReadOnlyList<string> LibraryDirs { get; } =
        ["/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/local/nvidia/lib64", "/usr/lib/aarch64-linux-gnu"];

    public static IReadOnlyList<string> Binaries { get; } =
        ["nvidia-smi", "nvidia-debugdump", "nvidia-persistenced", "nvidia-cuda-mps-control", "nvidia-cuda-mps-server"];

    /// <summary>Searched in order; the first copy of each binary (not a wrapper script) wins.</summary>
    public static IReadOnlyList<string> BinaryDirs { get; } = ["/usr/bin", "/usr/local/nvidia/bin"];

    /// <summary>Parents of the per-version GSP firmware folders.</summary>
    public static IReadOnlyList<string> FirmwareDirs { get; } = ["/lib/firmware/nvidia", "/usr/local/nvidia/firmware/nvidia"];

    /// <param name="root">The host.</param>
    /// <param name="graphics">Whether to find the graphics loaders' config files too (see <see cref="GraphicsConfigFiles"/>).</param>
    public static NvidiaHostInventory Discover(HostRoot root, bool graphics = false) =>
        Discover(root) with { GraphicsConfigs = graphics ? FindGraphicsConfigs(root) : [] };

    public static NvidiaHostInventory Discover(HostRoot root)
    {
        var gpus = FindGpus(root);
        var version = FindDriverVersion(root);
        return new NvidiaHostInventory(
            version,
            gpus,
            FindControlNodes(root),
            FindLibraries(root, version),
            FindBinaries(root),
            FindFirmware(root, version),
            root.IsFile(PersistencedSocket) ? PersistencedSocket : null);
    }

    /// <summary>Every GPU the loaded driver lists, ranked by PCI address; throws when there is none.</summary>
    public static IReadOnlyList<NvidiaGpu> FindGpus(HostRoot root)
    {
        var found = new List<(string BusId, int Minor, string Uuid)>();
        foreach (var dir in root.List(GpusDir))
        {
            var path = $"{GpusDir}/{dir}/information";
            if (root.ReadText(path) is not { } text)
            {
                continue;
            }

            var fields = ParseInformation(text);
            var busId = fields.GetValueOrDefault("Bus Location") ?? dir;
            if (!fields.TryGetValue("Device Minor", out var minorText)
                || !int.TryParse(minorText, NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
            {
                throw new NvsdkException(ErrorCode.InvalidInput, $"{root.OnDisk(path)} has no Device Minor: cannot tell which /dev/nvidiaN is GPU {busId}");
            }

            if (!fields.TryGetValue("GPU UUID", out var uuid) || !CdiNames.IsValidDeviceName(uuid))
            {
                throw new NvsdkException(ErrorCode.InvalidInput, $"{root.OnDisk(path)} has no usable GPU UUID (\"{uuid}\") for GPU {busId}")
                {
                    Hint = "the GPU may have fallen off the bus: check `nvidia-smi` and the kernel log",
                };
            }

            found.Add((busId.ToLowerInvariant(), minor, uuid));
        }

        if (found.Count == 0)
        {
            throw new NvsdkException(
                ErrorCode.InvalidInput,
                $"no NVIDIA GPU or driver found under {root.Root}: {root.OnDisk(GpusDir)} lists no GPU")
            {
                Hint = "load the NVIDIA kernel module (nvidia-smi should list a GPU), or point --root at the host's root",
            };
        }

        return found
            .OrderBy(g => g.BusId, StringComparer.Ordinal)
            .Select((g, i) => new NvidiaGpu(i, g.Minor, g.Uuid, g.BusId))
            .ToList();
    }

    /// <summary>"Key: value" lines of a GPU's information file (the separator is a colon, then tabs or spaces).</summary>
    public static Dictionary<string, string> ParseInformation(string text)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                fields.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
            }
        }

        return fields;
    }

    /// <summary>The loaded driver's version from /proc (or /sys/module), or null when neither says.</summary>
    public static string? FindDriverVersion(HostRoot root)
    {
        if (root.ReadText(DriverVersionFile) is { } proc && ProcVersion().Match(proc) is { Success: true } m)
        {
            return m.Groups[1].Value;
        }

        return root.ReadText(ModuleVersionFile)?.Trim() is { } sys && ModuleVersion().IsMatch(sys) ? sys : null;
    }

    /// <summary>
    /// The control nodes present. /dev/nvidia-caps/* (MIG config and monitor capabilities) are not among them:
    /// nvidia-ctk gives caps only to MIG devices, and a whole GPU needs none.
    /// </summary>
    private static List<string> FindControlNodes(HostRoot root) => ControlNodes.Where(root.IsFile).ToList();

    /// <summary>
    /// Each driver library's real file (links followed), from the linker cache and the usual driver folders. When the
    /// driver version is known, every file named "*.so.&lt;version&gt;" is one (as nvidia-ctk finds them: compute, video
    /// — NVENC/NVDEC —, graphics — EGL/GLX/Vulkan —, OptiX…), and a stale copy of an older driver is left out; when it
    /// is not, the compute and management libraries by name.
    /// </summary>
    private static List<HostFileMount> FindLibraries(HostRoot root, string? version)
    {
        bool Wanted(string fileName) => LibraryName(fileName) is not null || (version is not null && fileName.Contains(".so", StringComparison.Ordinal));
        var candidates = new List<string>();
        if (root.ReadSmallFile(LdCacheFile, LdCache.MaxBytes) is { } cache)
        {
            candidates.AddRange(LdCache.Parse(cache).Select(e => e.Path).Where(p => p.StartsWith('/') && Wanted(Path.GetFileName(p))));
        }

        foreach (var dir in LibraryDirs)
        {
            candidates.AddRange(root.List(dir).Where(n => version is null ? LibraryName(n) is not null : n.EndsWith($".so.{version}", StringComparison.Ordinal)).Select(n => $"{dir}/{n}"));
        }

        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var candidate in candidates.Distinct(StringComparer.Ordinal))
        {
            if (root.Find(candidate) is { } real && root.IsFile(real)
                && (version is null ? LibraryName(Path.GetFileName(real)) is not null : real.EndsWith($".so.{version}", StringComparison.Ordinal)))
            {
                found.Add(real);
            }
        }

        return found.Select(p => new HostFileMount(p, p)).ToList();
    }

    /// <summary>Which driver library a file name belongs to ("libcuda.so.1" → "libcuda"), or null.</summary>
    internal static string? LibraryName(string fileName)
    {
        var so = fileName.IndexOf(".so", StringComparison.Ordinal);
        if (so <= 0 || (fileName.Length > so + 3 && fileName[so + 3] != '.'))
        {
            return null;
        }

        var name = fileName[..so];
        return Libraries.Contains(name, StringComparer.Ordinal) ? name : null;
    }

    private static List<HostFileMount> FindBinaries(HostRoot root)
    {
        var found = new List<HostFileMount>();
        foreach (var binary in Binaries)
        {
            foreach (var dir in BinaryDirs)
            {
                var path = $"{dir}/{binary}";
                if (root.Find(path) is { } real && root.IsFile(real) && !IsScript(root, real))
                {
                    found.Add(new HostFileMount(real, path));
                    break;
                }
            }
        }

        return found;
    }

    /// <summary>
    /// A "#!" script standing in for a driver program (some GPU sandboxes put one in /usr/bin that execs the real
    /// binary elsewhere with LD_LIBRARY_PATH set): mounted alone into a container it would exec a missing file.
    /// </summary>
    private static bool IsScript(HostRoot root, string hostPath)
    {
        using var file = File.OpenRead(root.OnDisk(hostPath));
        Span<byte> start = stackalloc byte[2];
        return file.ReadAtLeast(start, 2, throwOnEndOfStream: false) == 2 && start[0] == (byte)'#' && start[1] == (byte)'!';
    }

    /// <summary>The loaded driver's GSP firmware: gsp_*.bin in each firmware folder for its version.</summary>
    private static List<HostFileMount> FindFirmware(HostRoot root, string? version)
    {
        var found = new List<HostFileMount>();
        if (version is null)
        {
            return found;
        }

        foreach (var parent in FirmwareDirs)
        {
            var dir = $"{parent}/{version}";
            foreach (var name in root.List(dir).Where(n => n.StartsWith("gsp_", StringComparison.Ordinal) && n.EndsWith(".bin", StringComparison.Ordinal)))
            {
                if (root.Find($"{dir}/{name}") is { } real && root.IsFile(real))
                {
                    found.Add(new HostFileMount(real, $"{dir}/{name}"));
                }
            }
        }

        return found;
    }

    /// <summary>
    /// The driver's config files that graphics loaders in a container read (as nvidia-ctk's graphics discoverer): the
    /// GLVND EGL vendor file, the EGL external platforms, Vulkan's ICD and layers, OptiX's cache file, X11 snippets
    /// (container folder /usr/share), the OpenCL ICD (/etc). Relative to the folders they are searched under.
    /// </summary>
    public static IReadOnlyList<(string File, string ContainerRoot)> GraphicsConfigFiles { get; } =
    [
        ("glvnd/egl_vendor.d/10_nvidia.json", "/usr/share"),
        ("egl/egl_external_platform.d/15_nvidia_gbm.json", "/usr/share"),
        ("egl/egl_external_platform.d/10_nvidia_wayland.json", "/usr/share"),
        ("egl/egl_external_platform.d/09_nvidia_wayland2.json", "/usr/share"),
        ("egl/egl_external_platform.d/20_nvidia_xcb.json", "/usr/share"),
        ("egl/egl_external_platform.d/20_nvidia_xlib.json", "/usr/share"),
        ("nvidia/nvoptix.bin", "/usr/share"),
        ("X11/xorg.conf.d/10-nvidia.conf", "/usr/share"),
        ("X11/xorg.conf.d/nvidia-drm-outputclass.conf", "/usr/share"),
        ("OpenCL/vendors/nvidia.icd", "/etc"),
        ("vulkan/icd.d/nvidia_icd.json", "/etc"),
        ("vulkan/icd.d/nvidia_icd.x86_64.json", "/etc"),
        ("vulkan/icd.d/nvidia_icd.aarch64.json", "/etc"),
        ("vulkan/icd.d/nvidia_layers.json", "/etc"),
        ("vulkan/implicit_layer.d/nvidia_layers.json", "/etc"),
    ];

    /// <summary>Where drivers install those files: the distribution's folders, then a driver tree's own share folder.</summary>
    public static IReadOnlyList<string> ConfigDirs { get; } = ["/etc", "/usr/share", "/usr/local/share", "/usr/local/nvidia/share"];

    /// <summary>Each graphics config file found (the first of <see cref="ConfigDirs"/> that has it), links followed.</summary>
    private static List<HostFileMount> FindGraphicsConfigs(HostRoot root)
    {
        var found = new List<HostFileMount>();
        foreach (var (file, containerRoot) in GraphicsConfigFiles)
        {
            if (ConfigDirs.Select(dir => root.Find($"{dir}/{file}")).FirstOrDefault(p => p is not null && root.IsFile(p)) is { } real)
            {
                found.Add(new HostFileMount(real, $"{containerRoot}/{file}"));
            }
        }

        return found;
    }

    /// <summary>"NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.159.04  Release Build …" or "… x86_64 Kernel Module  535.104.05  …".</summary>
    [GeneratedRegex(@"Kernel Module(?:\s+for\s+\S+)?\s+(\d+\.\d+(?:\.\d+)?)\s")]
    private static partial Regex ProcVersion();

    [GeneratedRegex(@"^\d+\.\d+(?:\.\d+)?$")]
    private static partial Regex ModuleVersion();
}
