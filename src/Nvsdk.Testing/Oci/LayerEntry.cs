using System.Formats.Tar;
using System.Text;

namespace Nvsdk.Testing.Oci;

/// <summary>
/// One member of an image layer's tar. Paths are written exactly as given (no "./" added, no normalisation),
/// so hostile layers (traversal, absolute paths, escaping links) are built the same way as honest ones.
/// Whiteouts are ordinary empty files with the OCI/AUFS marker names; the layer flattener gives them meaning.
/// </summary>
public sealed record LayerEntry
{
    public const UnixFileMode Mode644 = (UnixFileMode)0b110_100_100;
    public const UnixFileMode Mode755 = (UnixFileMode)0b111_101_101;

    private LayerEntry(string path, TarEntryType type, UnixFileMode mode)
    {
        Path = path;
        Type = type;
        Mode = mode;
    }

    public string Path { get; }

    public TarEntryType Type { get; }

    public UnixFileMode Mode { get; init; }

    /// <summary>Symlink target (any string) or hard link target (another member's path).</summary>
    public string? LinkTarget { get; private init; }

    /// <summary>Opens the file's content afresh for each write; a seekable stream so the tar header knows its size.</summary>
    public Func<Stream>? Content { get; private init; }

    public int Uid { get; init; }

    public int Gid { get; init; }

    public static LayerEntry File(string path, byte[] content, UnixFileMode mode = Mode644) =>
        new(path, TarEntryType.RegularFile, mode) { Content = () => new MemoryStream(content, writable: false) };

    public static LayerEntry File(string path, string content, UnixFileMode mode = Mode644) =>
        File(path, Encoding.UTF8.GetBytes(content), mode);

    /// <summary>
    /// A file of <paramref name="size"/> incompressible bytes that are never held in memory, for layers as large
    /// as real SDK images; the same seed gives the same bytes (and so the same digests) on every run.
    /// </summary>
    public static LayerEntry RandomFile(string path, long size, ulong seed, UnixFileMode mode = Mode644) =>
        new(path, TarEntryType.RegularFile, mode) { Content = () => new PseudoRandomStream(size, seed) };

    public static LayerEntry Directory(string path, UnixFileMode mode = Mode755) => new(path, TarEntryType.Directory, mode);

    public static LayerEntry Symlink(string path, string target) =>
        new(path, TarEntryType.SymbolicLink, (UnixFileMode)0b111_111_111) { LinkTarget = target };

    public static LayerEntry HardLink(string path, string target) =>
        new(path, TarEntryType.HardLink, Mode644) { LinkTarget = target };

    /// <summary><c>dir/.wh.name</c>: deletes <c>dir/name</c> of the layers below.</summary>
    public static LayerEntry Whiteout(string deletedPath)
    {
        var slash = deletedPath.LastIndexOf('/');
        var marker = slash < 0 ? ".wh." + deletedPath : $"{deletedPath[..(slash + 1)]}.wh.{deletedPath[(slash + 1)..]}";
        return File(marker, []);
    }

    /// <summary><c>dir/.wh..wh..opq</c>: hides everything the layers below put in <c>dir</c>.</summary>
    public static LayerEntry OpaqueWhiteout(string directory) => File($"{directory.TrimEnd('/')}/.wh..wh..opq", []);
}
