using Nvsdk.Core.Gpu.Doctor;

namespace Nvsdk.Core.Host.Cdi;

/// <summary>
/// Other CDI spec files that define devices of our kind (nvidia.com/gpu), e.g. one left by nvidia-ctk in /var/run/cdi:
/// a consumer that sees the same device name twice refuses both specs ("conflicting device"). Apply moves such a file
/// aside, to "&lt;name&gt;.disabled-by-nvsdk" beside it (consumers read only *.yaml and *.json), as managed changes:
/// plan shows both, and rollback puts the file back byte for byte (mode and owner too) and removes the copy.
/// </summary>
internal static class CdiConflicts
{
    /// <summary>The folders CDI consumers read specs from (Podman, containerd and Docker alike).</summary>
    public static IReadOnlyList<string> SpecDirs { get; } = ["/etc/cdi", "/var/run/cdi"];

    public const string DisabledSuffix = ".disabled-by-nvsdk";

    public sealed record Resolution(IReadOnlyList<ManagedFile> Files, IReadOnlyList<Finding> Findings);

    public static Resolution Resolve(HostRoot host, string ours)
    {
        var files = new List<ManagedFile>();
        var findings = new List<Finding>();
        foreach (var dir in SpecDirs)
        {
            foreach (var name in host.List(dir))
            {
                var path = $"{dir}/{name}";
                if (name.EndsWith(DisabledSuffix, StringComparison.Ordinal))
                {
                    // Moved aside by an earlier apply: keep it so (a later apply must not put the conflict back).
                    var original = path[..^DisabledSuffix.Length];
                    if (host.Inspect(host.Locate(original, followFinal: false)).Kind == HostEntryKind.Absent
                        && host.Inspect(host.Locate(path, followFinal: false)) is { Kind: HostEntryKind.File } kept)
                    {
                        files.AddRange(MoveAside(original, kept));
                    }

                    continue;
                }

                if (!(name.EndsWith(".yaml", StringComparison.Ordinal) || name.EndsWith(".json", StringComparison.Ordinal))
                    || host.Find(path) is not { } real || real == host.Find(ours) || path == ours || host.Read(path) is not { } text
                    || CdiSpecReader.Read(text).Kind != CdiEditsBuilder.Kind)
                {
                    continue;
                }

                var entry = host.Inspect(host.Locate(path, followFinal: false));
                if (entry.Kind != HostEntryKind.File)
                {
                    findings.Add(Finding.Warn(
                        "host.cdi.conflict",
                        $"{path} (a link) also defines {CdiEditsBuilder.Kind} devices: Podman and containerd refuse both specs (conflicting device)",
                        $"remove {path} (left by nvidia-ctk? then also disable nvidia-cdi-refresh), or set container.enable = false"));
                    continue;
                }

                files.AddRange(MoveAside(path, entry));
                findings.Add(Finding.Warn(
                    "host.cdi.conflict",
                    $"{path} also defines {CdiEditsBuilder.Kind} devices (Podman and containerd would refuse both specs): apply moves it to {path}{DisabledSuffix}; rollback puts it back",
                    "if nvidia-ctk wrote it, stop it regenerating the file: `systemctl disable --now nvidia-cdi-refresh.path`"));
            }
        }

        return new Resolution(files, findings);
    }

    /// <summary>The path removed, and its bytes and mode kept beside it under the disabled name.</summary>
    private static ManagedFile[] MoveAside(string path, HostEntry entry)
    {
        var reason = $"container.enable = true (another {CdiEditsBuilder.Kind} spec would make Podman refuse both)";
        return
        [
            new ManagedFile(path, string.Empty, entry.Mode!, reason) { Removed = true },
            new ManagedFile(path + DisabledSuffix, string.Empty, entry.Mode!, reason) { Data = entry.Bytes ?? [] },
        ];
    }
}
