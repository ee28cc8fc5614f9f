using Nvsdk.Core.Platform;

namespace Nvsdk.Core.Cache;

/// <summary>
/// One member of a cache layer: a whole tree item, or the byte range [Offset, Offset+Length) of a regular
/// file too large for one layer (<see cref="IsPart"/>).
/// </summary>
internal readonly record struct LayerMember(FileSystemInfo Info, long Offset, long Length, bool IsPart)
{
    public static LayerMember Whole(FileSystemInfo info) => new(info, 0, info is FileInfo { LinkTarget: null } f ? f.Length : 0, false);

    public static implicit operator LayerMember(FileSystemInfo info) => Whole(info);
}

/// <summary>
/// How a store tree is cut into cache layers so a pull decodes on every core: regular files, in walk order,
/// fill layers of about <see cref="TargetBytes"/> each; the last layer also carries every folder and every
/// symlink. The data layers can then be unpacked side by side (they never share a path), and the last one's
/// symlinks are created after all files, as in a single-layer pull. A small tree is one layer: the format of
/// entries pushed before layers were split, which pulls read the same way.
/// A file larger than one layer (libcublasLt is 500 MB) is cut into parts of about a layer each, every part
/// in a layer of its own, so one huge file also decodes and writes on several cores instead of being the
/// one stream the whole pull waits for.
/// </summary>
internal static class TreeLayers
{
    /// <summary>Unpacked bytes per layer: large enough that a layer's fixed costs vanish, small enough to spread a 1 GB library.</summary>
    public const long TargetBytes = 64L << 20;

    /// <summary>The plan aims at this many layers at most; a larger tree gets larger layers.</summary>
    public const int TargetLayers = 64;

    /// <summary>
    /// What a pull accepts: more than any plan makes (parts round up, so a plan can exceed
    /// <see cref="TargetLayers"/>), and a bound on what a hostile manifest can ask a pull to open.
    /// </summary>
    public const int MaxLayers = 256;

    public static IReadOnlyList<IReadOnlyList<LayerMember>> Plan(string root, long targetBytes = TargetBytes)
    {
        var all = TreeWalker.Walk(root).ToList();
        var files = all.Where(i => i is FileInfo && i.LinkTarget is null).Cast<FileInfo>().ToList();
        var total = files.Sum(f => f.Length);
        var per = Math.Max(targetBytes, (total + TargetLayers - 1) / TargetLayers);
        var parts = new List<List<LayerMember>>();
        var layers = new List<List<LayerMember>> { new() };
        var filled = 0L;
        foreach (var file in files)
        {
            if (file.Length > per)
            {
                // Balanced parts (a 70 MiB file is two of 35, not 64 + 6), each alone in its layer.
                var count = (file.Length + per - 1) / per;
                var size = (file.Length + count - 1) / count;
                for (var offset = 0L; offset < file.Length; offset += size)
                {
                    parts.Add([new LayerMember(file, offset, Math.Min(size, file.Length - offset), true)]);
                }

                continue;
            }

            if (filled >= per)
            {
                layers.Add([]);
                filled = 0;
            }

            layers[^1].Add(file);
            filled += file.Length;
        }

        // Folders (so empty ones survive) and symlinks (created only after every file) go last.
        layers[^1].AddRange(all.Where(i => i.LinkTarget is not null || i is DirectoryInfo).Select(LayerMember.Whole));
        if (layers[^1].Count == 0 && parts.Count > 0)
        {
            layers.RemoveAt(layers.Count - 1); // a tree that is one huge file and nothing else
        }

        return [.. parts, .. layers];
    }

    /// <summary>Whether a plan cuts any file into parts: such an entry needs a reader that joins them (config v2).</summary>
    public static bool HasParts(IReadOnlyList<IReadOnlyList<LayerMember>> plan) => plan.Any(l => l.Any(m => m.IsPart));
}
