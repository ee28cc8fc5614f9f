using System.Security.Cryptography;
using System.Text;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Unpack;

/// <summary>
/// The canonical description of an unpacked tree: every path (sorted, ordinal) with its kind, exec bit,
/// size and content digest or link target. Its SHA-256 is the tree's identity: `store verify` recomputes it
/// from disk, unpacking computes it while writing (no second read).
/// </summary>
public sealed class TreeManifest
{
    private readonly SortedDictionary<string, TreeItem> items = new(StringComparer.Ordinal);

    public int Count => items.Count;

    public long TotalBytes => items.Values.Sum(i => i.Size);

    public IEnumerable<KeyValuePair<string, TreeItem>> Items => items;

    public void Add(string path, TreeItem item) => items[path] = item;

    public bool TryGet(string path, out TreeItem item) => items.TryGetValue(path, out item!);

    public Sha256Digest Digest()
    {
        if (items.Values.Any(i => i is { Kind: TreeItemKind.File, Digest: null }))
        {
            throw new InvalidOperationException("the tree was unpacked without hashing its files; its digest is the signed one, not a computed one");
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData("nvsdk-tree-v1\n"u8);
        foreach (var (path, item) in items)
        {
            var line = item.Kind switch
            {
                TreeItemKind.Directory => $"d {path}\n",
                TreeItemKind.File => $"f {(item.Executable ? "x" : "-")} {item.Size} {item.Digest} {path}\n",
                _ => $"l {item.LinkTarget} {path}\n",
            };
            hash.AppendData(Encoding.UTF8.GetBytes(line));
        }

        return Sha256Digest.FromHash(hash.GetHashAndReset());
    }

    /// <summary>Reads a tree from disk into a manifest (for verify); symlinks are recorded, never followed.</summary>
    public static async Task<TreeManifest> ReadAsync(string root, CancellationToken cancellationToken = default)
    {
        var manifest = new TreeManifest();
        foreach (var info in Platform.TreeWalker.Walk(root))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rel = Path.GetRelativePath(root, info.FullName).Replace('\\', '/');
            if (info.LinkTarget is { } target)
            {
                manifest.Add(rel, TreeItem.Link(target));
            }
            else if (info is DirectoryInfo)
            {
                manifest.Add(rel, TreeItem.Directory);
            }
            else
            {
                var file = (FileInfo)info;
                Sha256Digest digest;
                var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
                await using (stream.ConfigureAwait(false))
                {
                    digest = await Sha256Digest.OfAsync(stream, cancellationToken).ConfigureAwait(false);
                }

                manifest.Add(rel, TreeItem.File(file.Length, digest, (file.UnixFileMode & UnixFileMode.UserExecute) != 0));
            }
        }

        return manifest;
    }
}

public enum TreeItemKind
{
    Directory,
    File,
    Symlink,
}

public readonly record struct TreeItem(TreeItemKind Kind, long Size, Sha256Digest? Digest, bool Executable, string? LinkTarget)
{
    public static TreeItem Directory => new(TreeItemKind.Directory, 0, null, false, null);

    public static TreeItem File(long size, Sha256Digest digest, bool executable) => new(TreeItemKind.File, size, digest, executable, null);

    /// <summary>A file written without hashing (a cache layer whose digest is signed): the tree's digest cannot be computed from it.</summary>
    public static TreeItem UnhashedFile(long size, bool executable) => new(TreeItemKind.File, size, null, executable, null);

    public static TreeItem Link(string target) => new(TreeItemKind.Symlink, 0, null, false, target);
}
