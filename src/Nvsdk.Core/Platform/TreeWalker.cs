namespace Nvsdk.Core.Platform;

/// <summary>
/// Walks a folder tree without ever following a symlink. .NET's recursive enumeration descends into
/// symlinked folders, so a link such as <c>lib/b -> ..</c> loops forever and a link to /etc would let a
/// chmod or hash walk leave the tree; every tree walk in nvsdk goes through here instead.
/// </summary>
public static class TreeWalker
{
    private static readonly EnumerationOptions OneLevel = new() { RecurseSubdirectories = false, AttributesToSkip = 0, IgnoreInaccessible = false };

    /// <summary>Every entry below <paramref name="root"/> (not the root itself), parents before children, ordinal order.</summary>
    public static IEnumerable<FileSystemInfo> Walk(string root)
    {
        var pending = new Stack<DirectoryInfo>();
        pending.Push(new DirectoryInfo(root));
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            var children = dir.EnumerateFileSystemInfos("*", OneLevel).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
            foreach (var child in children)
            {
                yield return child;
            }

            for (var i = children.Count - 1; i >= 0; i--)
            {
                if (children[i] is DirectoryInfo sub && sub.LinkTarget is null)
                {
                    pending.Push(sub);
                }
            }
        }
    }

    /// <summary>The real folders of a tree (symlinks to folders excluded), the root first.</summary>
    public static IEnumerable<string> Directories(string root) =>
        new[] { root }.Concat(Walk(root).Where(i => i is DirectoryInfo && i.LinkTarget is null).Select(i => i.FullName));
}
