using Nvsdk.Core.Platform;

namespace Nvsdk.Core.Unpack;

internal sealed partial class SafeTreeWriter
{
    /// <summary>Records a symlink; it is created and checked in <see cref="Complete"/>, after every file.</summary>
    public void Symlink(string entry, string path, string target)
    {
        Count(entry);
        if (path.Length == 0)
        {
            throw Refuse(entry, "a symlink with no name");
        }

        if (ArchivePath.NameProblem(target, isLinkTarget: true) is { } problem)
        {
            throw Refuse(entry, problem);
        }

        if (target.Length == 0 || target.StartsWith('/') || target.Contains('\0', StringComparison.Ordinal))
        {
            throw Refuse(entry, $"symlink to '{ArchivePath.Display(target)}': absolute or empty targets point outside the archive");
        }

        EnsureParents(entry, path);
        if (manifest.TryGet(path, out _) || !pendingLinks.TryAdd(path, (Archive, entry, target)))
        {
            throw Refuse(entry, "its name is already taken");
        }
    }

    /// <summary>A hard link must name a regular file this archive has already written.</summary>
    public void HardLink(string entry, string path, string? targetPath)
    {
        Count(entry);
        if (targetPath is null || !manifest.TryGet(targetPath, out var item) || item.Kind != TreeItemKind.File)
        {
            throw Refuse(entry, "hard link to something outside the archive or not yet written");
        }

        EnsureParents(entry, path);
        if (manifest.TryGet(path, out _))
        {
            throw Refuse(entry, "its name is already taken");
        }

        Posix.HardLink(Full(targetPath), Full(path));
        manifest.Add(path, item);
    }
}
