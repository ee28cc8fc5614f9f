using System.IO.Compression;
using System.Text;

namespace Nvsdk.Core.Unpack;

/// <summary>Unpacks a zip or Python wheel; Unix modes and symlinks come from the external attributes.</summary>
internal static class ZipUnpacker
{
    private const int TypeMask = 0xF000;
    private const int SymlinkType = 0xA000;
    private const int RegularType = 0x8000;
    private const int DirectoryType = 0x4000;

    public static async Task UnpackAsync(string path, SafeTreeWriter writer, LayoutRule layout, CancellationToken cancellationToken)
    {
        var zip = await ZipFile.OpenReadAsync(path, cancellationToken).ConfigureAwait(false);
        await using (zip.ConfigureAwait(false))
        {
            foreach (var entry in zip.Entries)
            {
                var unixMode = (entry.ExternalAttributes >> 16) & 0xFFFF;
                var type = unixMode & TypeMask;
                var mapped = TarUnpacker.MapOrRefuse(entry.FullName, entry.FullName.EndsWith('/') || type == DirectoryType, writer, layout);
                if (mapped is null)
                {
                    continue;
                }

                if (entry.FullName.EndsWith('/') || type == DirectoryType)
                {
                    writer.AddDirectory(entry.FullName, mapped);
                    continue;
                }

                if (type is not (0 or RegularType or SymlinkType))
                {
                    throw writer.Refuse(entry.FullName, "device nodes and FIFOs have no place in an SDK");
                }

                if (type == SymlinkType && entry.Length > ArchivePath.MaxNameBytes)
                {
                    throw writer.Refuse(entry.FullName, $"a symlink target of {entry.Length} bytes, over the {ArchivePath.MaxNameBytes}-byte limit");
                }

                var raw = await entry.OpenAsync(cancellationToken).ConfigureAwait(false);
                var data = new ZipMemberCheck(raw, entry.Length, entry.Crc32, reason => writer.Refuse(entry.FullName, reason));
                await using (raw.ConfigureAwait(false))
                {
                    if (type == SymlinkType)
                    {
                        writer.Symlink(entry.FullName, mapped, await ReadLinkTargetAsync(data, cancellationToken).ConfigureAwait(false));
                    }
                    else
                    {
                        await writer.FileAsync(entry.FullName, mapped, (UnixFileMode)(unixMode & 0x1FF), entry.Length, data, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
    }

    /// <summary>A symlink's target is its data, read whole (at most the name limit: checked beforehand, and by the member check).</summary>
    private static async Task<string> ReadLinkTargetAsync(Stream data, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        await data.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Encoding.UTF8.GetString(buffer.ToArray()); // bytes that are not UTF-8 become U+FFFD, which the writer refuses
    }
}
