using Nvsdk.Core.Errors;

namespace Nvsdk.Core.Host.Cdi.Hooks;

/// <summary>
/// `cdi-hook create-symlinks --link TARGET::LINK`: links a container needs that the driver's files do not bring
/// (libcuda.so → libcuda.so.1, which build systems link against), made inside the container's root file system and
/// never through a link out of it (the container root is a <see cref="HostRoot"/> too). An existing path is kept.
/// </summary>
public static class ContainerLinks
{
    public const string Verb = "create-symlinks";

    public static void Create(string rootfs, IEnumerable<string> links)
    {
        var container = new HostRoot(rootfs);
        foreach (var spec in links)
        {
            var (target, link) = Parse(spec);
            var at = container.Locate(link, followFinal: false);
            if (container.Inspect(at).Kind == HostEntryKind.Absent)
            {
                container.WriteLink(at, target);
            }
        }
    }

    /// <summary>"libcuda.so.1::/usr/lib/x86_64-linux-gnu/libcuda.so" → (target as written, absolute link path).</summary>
    public static (string Target, string Link) Parse(string spec)
    {
        var parts = spec.Split("::");
        if (parts.Length != 2 || parts[0].Length == 0 || !parts[1].StartsWith('/'))
        {
            throw new UsageException($"--link \"{spec}\" is not TARGET::/ABSOLUTE/LINK", "e.g. --link libcuda.so.1::/usr/lib/x86_64-linux-gnu/libcuda.so");
        }

        return (parts[0], parts[1]);
    }
}
