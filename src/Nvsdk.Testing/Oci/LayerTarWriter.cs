using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Nvsdk.Testing.Oci;

/// <summary>Turns <see cref="LayerEntry"/> lists into tar files, compresses them, and hashes files as OCI digests.</summary>
public static class LayerTarWriter
{
    /// <summary>A fixed mtime, so the same entries give the same diff_id and blob digest on every run.</summary>
    public static readonly DateTimeOffset ModificationTime = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static void WriteTar(IEnumerable<LayerEntry> entries, TarEntryFormat format, Stream output)
    {
        using var tar = new TarWriter(output, format, leaveOpen: true);
        foreach (var e in entries)
        {
            PosixTarEntry entry = format switch
            {
                TarEntryFormat.Pax => new PaxTarEntry(e.Type, e.Path),
                TarEntryFormat.Gnu => new GnuTarEntry(e.Type, e.Path),
                TarEntryFormat.Ustar => new UstarTarEntry(e.Type, e.Path),
                _ => throw new ArgumentOutOfRangeException(nameof(format), format, "layers are written as pax, gnu or ustar"),
            };
            entry.Mode = e.Mode;
            entry.Uid = e.Uid;
            entry.Gid = e.Gid;
            entry.ModificationTime = ModificationTime;
            if (e.LinkTarget is not null)
            {
                entry.LinkName = e.LinkTarget;
            }

            using var content = e.Content?.Invoke();
            entry.DataStream = content;
            tar.WriteEntry(entry);
        }
    }

    public static void Compress(Stream input, Stream output, LayerCompression compression)
    {
        switch (compression)
        {
            case LayerCompression.None:
                input.CopyTo(output);
                break;
            case LayerCompression.Gzip:
                // Fastest: fixture layers are mostly random bytes that no level shrinks, and tests want speed.
                using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
                {
                    input.CopyTo(gzip);
                }

                break;
            case LayerCompression.Zstd:
                using (var zstd = new ZstdSharp.CompressionStream(output, level: 3, leaveOpen: true))
                {
                    input.CopyTo(zstd);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(compression), compression, null);
        }
    }

    /// <summary>"sha256:" and the lower-case hex SHA-256 of the file, the form OCI digests take.</summary>
    public static string Digest(string path)
    {
        using var stream = File.OpenRead(path);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public static string Digest(ReadOnlySpan<byte> bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
}
