using Nvsdk.Core.Platform;

namespace Nvsdk.Core.Cache;

/// <summary>
/// How a store tree is cut into cache layers so a pull decodes on every core: regular files, in walk order,
/// fill layers of about <see cref="TargetBytes"/> each; the last layer also carries every folder and every
/// symlink. The data layers can then be unpacked side by side (they never share a path), and the last one's
/// symlinks are created after all files, as in a single-layer pull. A small tree is one layer: the format of
/// entries pushed before layers were split, which pulls read the same way.
/// </summary>
internal static class TreeLayers
{
    /// <summary>Unpacked bytes per layer: large enough that a layer's fixed costs vanish, small enough to spread a 1 GB library.</summary>
    public const long TargetBytes = 64L << 20;

    /// <summary>More layers than this buys nothing on any machine and bloats the manifest.</summary>
    public const int MaxLayers = 64;

    public static IReadOnlyList<IReadOnlyList<FileSystemInfo>> Plan(string root, long targetBytes = TargetBytes)
    {
        var all = TreeWalker.Walk(root).ToList();
        var files = all.Where(i => i is FileInfo && i.LinkTarget is null).Cast<FileInfo>().ToList();
        var total = files.Sum(f => f.Length);
        var per = Math.Max(targetBytes, (total + MaxLayers - 1) / MaxLayers);
        var layers = new List<List<FileSystemInfo>> { new() };
        var filled = 0L;
        foreach (var file in files)
        {
            if (filled >= per)
            {
                layers.Add([]);
                filled = 0;
            }

            layers[^1].Add(file);
            filled += file.Length;
        }

        // Folders (so empty ones survive) and symlinks (created only after every file) go last.
        layers[^1].AddRange(all.Where(i => i.LinkTarget is not null || i is DirectoryInfo));
        return layers;
    }
}
