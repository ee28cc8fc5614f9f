using Nvsdk.Core.Unpack;

namespace Nvsdk.Core.Oci.Layers;

/// <summary>
/// Image symlinks are written for the container's root: <c>etc/localtime -> /usr/share/zoneinfo/Etc/UTC</c>.
/// In a tree on the host that target would leave it, so an absolute target becomes the relative one that
/// names the same place inside the tree (<c>../usr/share/zoneinfo/Etc/UTC</c>). A relative target that climbs
/// above the image root (<c>../../../../etc/passwd</c>, valid in Podman and umoci) is the same kind of data: in
/// the container ".." at "/" stays at "/", so it is clamped there exactly as <c>/../etc/group</c> is, instead
/// of aborting the export. Other relative targets are kept as they are (the tree writer still checks them).
/// </summary>
internal static class SymlinkTargets
{
    public static string Rebase(string linkPath, string target)
    {
        if (!target.StartsWith('/'))
        {
            if (!ClimbsAboveRoot(linkPath, target))
            {
                return target;
            }

            target = "/" + ArchivePath.Parent(linkPath) + "/" + target; // where the container resolves it from
        }

        // Lexically, as the kernel would at the root: ".." at "/" stays at "/".
        var to = new List<string>();
        foreach (var part in target.Split('/'))
        {
            if (part == "..")
            {
                if (to.Count > 0)
                {
                    to.RemoveAt(to.Count - 1);
                }
            }
            else if (part is not ("" or "."))
            {
                to.Add(part);
            }
        }

        // The link's own folders are real folders (nothing is written through a symlink), so climbing out of
        // them with ".." is exact and the shared prefix can be dropped.
        var from = ArchivePath.Parent(linkPath).Split('/', StringSplitOptions.RemoveEmptyEntries);
        var common = 0;
        while (common < from.Length && common < to.Count && from[common] == to[common])
        {
            common++;
        }

        var parts = Enumerable.Repeat("..", from.Length - common).Concat(to.Skip(common)).ToList();
        return parts.Count == 0 ? "." : string.Join('/', parts);
    }

    /// <summary>Whether a relative target, read lexically from the link's folder, goes above the root.</summary>
    private static bool ClimbsAboveRoot(string linkPath, string target)
    {
        var depth = ArchivePath.Parent(linkPath).Split('/', StringSplitOptions.RemoveEmptyEntries).Length;
        foreach (var part in target.Split('/'))
        {
            if (part == "..")
            {
                if (--depth < 0)
                {
                    return true;
                }
            }
            else if (part is not ("" or "."))
            {
                depth++;
            }
        }

        return false;
    }
}
