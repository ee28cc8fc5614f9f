using System.Formats.Tar;
using System.Text;
using Nvsdk.Core.Oci;
using Nvsdk.Core.Oci.Layers;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Testing;

/// <summary>
/// Builds one image layer blob member by member, in the order given (so tests control what a reader sees
/// first), and writes it plain, gzip- or zstd-compressed according to its media type. Names are used as
/// given: hostile ones ("../x", "/etc/x") go in unchanged.
/// </summary>
public sealed class OciLayerBuilder
{
    private const UnixFileMode Mode755 = (UnixFileMode)0b111_101_101;
    private const UnixFileMode Mode644 = (UnixFileMode)0b110_100_100;
    /// <summary>Every member's mtime.</summary>
    public static readonly DateTimeOffset Epoch = new(2025, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly List<PaxTarEntry> entries = [];

    public OciLayerBuilder Dir(string name, UnixFileMode mode = Mode755) =>
        Add(new PaxTarEntry(TarEntryType.Directory, name) { Mode = mode });

    public OciLayerBuilder File(string name, string content, UnixFileMode mode = Mode644) =>
        Add(new PaxTarEntry(TarEntryType.RegularFile, name) { Mode = mode, DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) });

    public OciLayerBuilder Symlink(string name, string target) =>
        Add(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target, Mode = (UnixFileMode)0b111_111_111 });

    public OciLayerBuilder HardLink(string name, string target) =>
        Add(new PaxTarEntry(TarEntryType.HardLink, name) { LinkName = target, Mode = Mode644 });

    /// <summary>The marker <c>FOLDER/.wh.NAME</c> that deletes <paramref name="path"/> from the layers below.</summary>
    public OciLayerBuilder Whiteout(string path)
    {
        var slash = path.LastIndexOf('/');
        return File(slash < 0 ? $".wh.{path}" : $"{path[..slash]}/.wh.{path[(slash + 1)..]}", string.Empty);
    }

    /// <summary>The marker <c>FOLDER/.wh..wh..opq</c> ("" for the root).</summary>
    public OciLayerBuilder Opaque(string folder) =>
        File(folder.Length == 0 ? ".wh..wh..opq" : $"{folder}/.wh..wh..opq", string.Empty);

    /// <summary>A character or block device (major 1, minor 3: /dev/null) or a FIFO.</summary>
    public OciLayerBuilder Special(TarEntryType type, string name)
    {
        var entry = new PaxTarEntry(type, name) { Mode = Mode644 };
        if (type is TarEntryType.CharacterDevice or TarEntryType.BlockDevice)
        {
            entry.DeviceMajor = 1;
            entry.DeviceMinor = 3;
        }

        return Add(entry);
    }

    /// <summary>Writes the layer into <paramref name="dir"/>, compressed as <paramref name="mediaType"/> says (anything unknown: plain).</summary>
    public OciLayerFile Write(string dir, string mediaType = OciMediaTypes.OciLayerGzip)
    {
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, $"layer-{Guid.NewGuid():N}.blob");
        using (var file = System.IO.File.Create(path))
        {
            using var compressed = Compress(file, mediaType);
            using var tar = new TarWriter(compressed, TarEntryFormat.Pax, leaveOpen: true);
            foreach (var entry in entries)
            {
                entry.DataStream?.Seek(0, SeekOrigin.Begin);
                tar.WriteEntry(entry);
            }
        }

        using var read = System.IO.File.OpenRead(path);
        return new OciLayerFile(path, mediaType, Sha256Digest.FromHash(System.Security.Cryptography.SHA256.HashData(read)));
    }

    private OciLayerBuilder Add(PaxTarEntry entry)
    {
        entry.ModificationTime = Epoch;
        entries.Add(entry);
        return this;
    }

    /// <summary>By the media type's suffix, so unknown and non-distributable types get bytes too (anything else: plain).</summary>
    private static Stream Compress(Stream file, string mediaType) => Oci.LayerCodec.Compressor(
        file,
        mediaType.EndsWith("zstd", StringComparison.Ordinal) ? Oci.LayerCompression.Zstd
        : mediaType.EndsWith("gzip", StringComparison.Ordinal) ? Oci.LayerCompression.Gzip
        : Oci.LayerCompression.None);
}
