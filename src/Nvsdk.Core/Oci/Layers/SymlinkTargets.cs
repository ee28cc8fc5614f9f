using Nvsdk.Core.Unpack;

namespace Nvsdk.Core.Oci.Layers;

/// <summary>
/// Image symlinks are written for the container's root: <c>etc/localtime -> /usr/share/zoneinfo/Etc/UTC</c>.
/// In a tree on the host that target would leave it, so an absolute target becomes the relative one that
/// names the same place inside the tree (<c>../usr/share/zoneinfo/Etc/UTC</c>). Relative targets are kept
/// as they are; the tree writer refuses any that climbs out.
/// </summary>
internal static class SymlinkTargets
{
    public static string Rebase(string linkPath, string target)
    {
        if (!target.StartsWith('/'))
        {
            return target;
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
}
