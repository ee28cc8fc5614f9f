using System.Formats.Tar;

namespace Nvsdk.Testing.Oci;

/// <summary>Turns <see cref="LayerEntry"/> lists into tar streams.</summary>
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
            if (content is not null)
            {
                entry.DataStream = content;
            }

            tar.WriteEntry(entry);
        }
    }
}
