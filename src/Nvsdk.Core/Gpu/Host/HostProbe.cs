using Nvsdk.Core.Gpu.Nvml;
using Nvsdk.Core.Sdk;
using Nvsdk.Core.Store;

namespace Nvsdk.Core.Gpu.Host;

/// <summary>
/// Captures a <see cref="HostSnapshot"/> of the live host. Every host path goes through <c>hostRoot</c>
/// (normally "/"), so tests and `--root` point it at a fake tree.
/// </summary>
public static class HostProbe
{
    /// <param name="hostRoot">The host's root ("/" live, a fake tree in tests).</param>
    /// <param name="storeRoot">The nvsdk store whose current generation doctor checks.</param>
    /// <param name="requiredCudaVersion">The lock's CUDA; without it the current generation's.</param>
    /// <param name="readNvml">Whether to ask NVML (false where the caller reads the GPUs itself).</param>
    /// <param name="requiredDriverVersion">The lock's sdk.driver (with <paramref name="requiredCudaVersion"/>); without a lock, the generation's.</param>
    public static HostSnapshot Capture(string hostRoot, string storeRoot, string? requiredCudaVersion, bool readNvml = true, string? requiredDriverVersion = null)
    {
        string Host(string path) => Path.Combine(hostRoot, path.TrimStart('/'));
        var files = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var path in HostPaths.Files)
        {
            files[path] = TryRead(Host(path));
        }

        var processes = RunningDaemons(Host("/proc"));
        var sdk = ReadSdk(storeRoot);
        return new HostSnapshot
        {
            RecordedAt = DateTimeOffset.UtcNow,
            Hostname = TryRead(Host("/etc/hostname"))?.Trim(),
            Files = files,
            Devices = DeviceNodes(Host("/dev")),
            Processes = processes,
            Environment = new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["CUDA_PATH"] = System.Environment.GetEnvironmentVariable("CUDA_PATH"),
                ["CUDA_HOME"] = System.Environment.GetEnvironmentVariable("CUDA_HOME"),
            },
            DockerInstalled = File.Exists(Host("/usr/bin/dockerd")) || Directory.Exists(Host("/etc/docker")),
            RequiredCudaVersion = requiredCudaVersion ?? sdk?.CudaVersion,
            RequiredDriverVersion = requiredCudaVersion is not null ? requiredDriverVersion : sdk?.DriverVersion,
            Sdk = sdk,
            KernelNvrmLog = KernelLog.ReadNvrm(hostRoot),
            Nvml = readNvml ? NvmlReader.Read(pid => TryRead(Host($"/proc/{pid}/comm"))?.Trim()) : new NvmlReport { Error = "LIBRARY_NOT_FOUND" },
        };
    }

    private static string? TryRead(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static List<DeviceNode> DeviceNodes(string dev)
    {
        var nodes = new List<DeviceNode>();
        if (!Directory.Exists(dev))
        {
            return nodes;
        }

        var candidates = Directory.EnumerateFileSystemEntries(dev, "nvidia*")
            .Concat(Directory.Exists(Path.Combine(dev, "nvidia-caps")) ? Directory.EnumerateFileSystemEntries(Path.Combine(dev, "nvidia-caps")) : []);
        foreach (var path in candidates.Order(StringComparer.Ordinal))
        {
            var info = new FileInfo(path);
            if (Directory.Exists(path))
            {
                continue;
            }

            var mode = Convert.ToString((int)info.UnixFileMode, 8).PadLeft(4, '0');
            var isChar = (info.Attributes & FileAttributes.Device) != 0 || info.Length == 0;
            nodes.Add(new DeviceNode("/dev/" + Path.GetRelativePath(dev, path), mode, isChar));
        }

        return nodes;
    }

    private static List<string> RunningDaemons(string proc)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        if (!Directory.Exists(proc))
        {
            return [];
        }

        foreach (var dir in Directory.EnumerateDirectories(proc))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _))
            {
                continue;
            }

            var comm = TryRead(Path.Combine(dir, "comm"))?.Trim();
            if (comm is null)
            {
                continue;
            }

            foreach (var daemon in HostPaths.Daemons.Where(d => d.StartsWith(comm, StringComparison.Ordinal) && comm.Length >= Math.Min(15, d.Length)))
            {
                found.Add(daemon);
            }
        }

        return [.. found];
    }

    private static SdkState? ReadSdk(string storeRoot)
    {
        var layout = new StoreLayout(storeRoot);
        var generations = new Generations(layout);
        var current = generations.Current();
        if (current is null)
        {
            return Directory.Exists(generations.Dir) ? new SdkState(layout.Root, null, null, null, []) : null;
        }

        var missing = current.Entries
            .Where(e => !File.Exists(layout.RegistrationPath(e)) || !Directory.Exists(layout.EntryPath(e)))
            .ToList();
        var path = generations.PathOf(current.Number);
        if (!File.Exists(Path.Combine(path, "version.json")))
        {
            missing.Add($"generations/sdk-{current.Number}/version.json");
        }

        return new SdkState(layout.Root, current.Number, path, current.CudaVersion, missing) { DriverVersion = current.DriverVersion };
    }
}
