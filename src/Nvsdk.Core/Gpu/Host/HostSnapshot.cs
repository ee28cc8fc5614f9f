using Nvsdk.Core.Gpu.Nvml;

namespace Nvsdk.Core.Gpu.Host;

/// <summary>
/// Everything doctor reasons about, as data: the host files it read, the device nodes, the relevant
/// processes and environment, the SDK's state, and NVML's answers. `doctor --record` writes one,
/// `--from-snapshot` replays it, so every check is tested on CI without a GPU.
/// </summary>
public sealed record HostSnapshot
{
    public int SnapshotVersion { get; init; } = 1;

    public DateTimeOffset RecordedAt { get; init; }

    public string? Hostname { get; init; }

    /// <summary>Host path → content, or null when the file does not exist.</summary>
    public Dictionary<string, string?> Files { get; init; } = new(StringComparer.Ordinal);

    public IReadOnlyList<DeviceNode> Devices { get; init; } = [];

    /// <summary>Names (from /proc/*/comm) of the daemons doctor cares about that are running.</summary>
    public IReadOnlyList<string> Processes { get; init; } = [];

    public Dictionary<string, string?> Environment { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Whether a Docker engine is installed (its binary or /etc/docker exists).</summary>
    public bool DockerInstalled { get; init; }

    /// <summary>The CUDA version the SDK needs (from the lock or the current generation), if known.</summary>
    public string? RequiredCudaVersion { get; init; }

    /// <summary>The driver that CUDA release wants for all features (the lock's or generation's sdk.driver), if recorded.</summary>
    public string? RequiredDriverVersion { get; init; }

    public SdkState? Sdk { get; init; }

    public NvmlReport Nvml { get; init; } = new();

    /// <summary>The driver's `NVRM:` kernel messages since it loaded (XIDs among them); null when the kernel log was not readable.</summary>
    public IReadOnlyList<string>? KernelNvrmLog { get; init; }

    public string? File(string path) => Files.TryGetValue(path, out var content) ? content : null;
}

/// <summary>A /dev node: its path, permission bits (octal) and whether it is a character device.</summary>
public sealed record DeviceNode(string Path, string Mode, bool CharacterDevice);

/// <summary>The current nvsdk generation, as doctor sees it.</summary>
public sealed record SdkState(string StoreRoot, int? CurrentGeneration, string? GenerationPath, string? CudaVersion, IReadOnlyList<string> MissingEntries)
{
    /// <summary>The driver the generation's CUDA release wants (its record's DriverVersion), if recorded.</summary>
    public string? DriverVersion { get; init; }
}
