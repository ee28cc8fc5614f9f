using System.Formats.Tar;

namespace Nvsdk.Core.Oci.Layers;

/// <summary>
/// The modes and mtimes a <see cref="FileModes.Kept"/> flattening gives its files and folders, recorded as the
/// members are written and applied once the tree is complete: a folder's own mode could forbid writing into it
/// (0555), and every file, link or folder made in it would move its mtime. Files first, then folders deepest
/// first, so each folder is still open while what is inside it is set. Only paths the tree writer made as files
/// or folders are recorded, and no symlink sits above any of them, so nothing here reaches through a link.
/// </summary>
internal sealed class TreeAttributes(FileModes modes)
{
    private const UnixFileMode SetId = UnixFileMode.SetUser | UnixFileMode.SetGroup;
    private const UnixFileMode Kept = (UnixFileMode)0b1_111_111_111; // rwx for all three and sticky

    private readonly Dictionary<string, (UnixFileMode Mode, DateTimeOffset Modified, bool Directory)> items = new(StringComparer.Ordinal);

    public void Record(string path, TarEntry entry)
    {
        if (modes != FileModes.Normalized)
        {
            items[path] = (entry.Mode, entry.ModificationTime, entry.EntryType == TarEntryType.Directory);
        }
    }

    /// <summary>Sets every recorded mode and mtime under <paramref name="root"/>; returns the members whose setuid/setgid went.</summary>
    public IReadOnlyList<StrippedSetId> Apply(string root, CancellationToken cancellationToken)
    {
        var stripped = new List<StrippedSetId>();
        var ordered = items.Where(i => !i.Value.Directory)
            .Concat(items.Where(i => i.Value.Directory).OrderByDescending(i => i.Key.Count(c => c == '/')));
        foreach (var (path, (mode, modified, _)) in ordered)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var written = mode & (modes == FileModes.KeptWithSetId ? Kept | SetId : Kept);
            if ((mode & SetId) != 0 && (written & SetId) == 0)
            {
                stripped.Add(new StrippedSetId(path, mode, written));
            }

            var full = Path.Combine(root, path);
            File.SetUnixFileMode(full, written);
            File.SetLastWriteTimeUtc(full, modified.UtcDateTime);
        }

        return [.. stripped.OrderBy(s => s.Path, StringComparer.Ordinal)];
    }
}
