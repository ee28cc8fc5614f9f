using Nvsdk.Core.Gpu.Doctor;

namespace Nvsdk.Core.Host.Cdi;

/// <summary>
/// Other CDI spec files that define devices of our kind (nvidia.com/gpu), e.g. one left by nvidia-ctk in /var/run/cdi:
/// a consumer that sees the same device name twice refuses both specs ("conflicting device"), so plan says so.
/// </summary>
internal static class CdiConflicts
{
    /// <summary>The folders CDI consumers read specs from (Podman, containerd and Docker alike).</summary>
    public static IReadOnlyList<string> SpecDirs { get; } = ["/etc/cdi", "/var/run/cdi"];

    public static IEnumerable<Finding> Find(HostRoot host, string ours)
    {
        foreach (var dir in SpecDirs)
        {
            foreach (var name in host.List(dir).Where(n => n.EndsWith(".yaml", StringComparison.Ordinal) || n.EndsWith(".json", StringComparison.Ordinal)))
            {
                var path = $"{dir}/{name}";
                if (host.Find(path) is not { } real || real == host.Find(ours) || path == ours || host.Read(path) is not { } text)
                {
                    continue;
                }

                if (CdiSpecReader.Read(text).Kind == CdiEditsBuilder.Kind)
                {
                    yield return Finding.Warn(
                        "host.cdi.conflict",
                        $"{path} also defines {CdiEditsBuilder.Kind} devices: Podman and containerd refuse both specs (conflicting device)",
                        $"remove {path} (left by nvidia-ctk? then also disable nvidia-cdi-refresh), or keep it and set container.enable = false");
                }
            }
        }
    }
}
