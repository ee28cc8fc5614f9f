using System.Formats.Tar;

namespace Nvsdk.Core.Unpack;

/// <summary>
/// Streams tar members (from any decompressed stream) into a <see cref="SafeTreeWriter"/>. Whatever the
/// tar reader throws at a damaged stream leaves as "&lt;archive&gt;: &lt;member&gt;: &lt;reason&gt;", for every caller
/// (archives, binary-cache layers), never as a bare InvalidDataException.
/// </summary>
internal static class TarUnpacker
{
    public static async Task UnpackAsync(Stream tar, SafeTreeWriter writer, LayoutRule layout, CancellationToken cancellationToken)
    {
        try
        {
            await UnpackMembersAsync(tar, writer, layout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (ArchiveUnpacker.Failure(e, writer.Archive, writer) is { } failure)
        {
            throw failure;
        }
    }

    private static async Task UnpackMembersAsync(Stream tar, SafeTreeWriter writer, LayoutRule layout, CancellationToken cancellationToken)
    {
        var reader = new TarReader(new TarHeaderGuard(tar, writer.Archive), leaveOpen: true);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                if (entry.EntryType is TarEntryType.GlobalExtendedAttributes)
                {
                    continue;
                }

                var path = MapOrRefuse(entry.Name, entry.EntryType == TarEntryType.Directory, writer, layout);
                if (path is null)
                {
                    continue;
                }

                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        writer.AddDirectory(entry.Name, path);
                        break;
                    case TarEntryType.RegularFile when writer.Parts is not null && entry is PaxTarEntry pax && PartOf(pax, writer) is (var offset, var fileSize):
                        await writer.FilePartAsync(entry.Name, path, entry.Mode, offset, fileSize, entry.Length, entry.DataStream ?? Stream.Null, cancellationToken).ConfigureAwait(false);
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                        await writer.FileAsync(entry.Name, path, entry.Mode, entry.Length, entry.DataStream ?? Stream.Null, cancellationToken).ConfigureAwait(false);
                        break;
                    case TarEntryType.SymbolicLink:
                        writer.Symlink(entry.Name, path, entry.LinkName);
                        break;
                    case TarEntryType.HardLink:
                        // Refusals name the member, not its (possibly hostile) target.
                        var target = ArchivePath.Normalize(entry.LinkName, out _) is { Length: > 0 } normalized
                            ? layout.Map(normalized, isDirectory: false, out _)
                            : null;
                        writer.HardLink(entry.Name, path, target);
                        break;
                    case TarEntryType.CharacterDevice or TarEntryType.BlockDevice:
                        throw writer.Refuse(entry.Name, "device nodes have no place in an SDK");
                    case TarEntryType.Fifo:
                        throw writer.Refuse(entry.Name, "FIFOs have no place in an SDK");
                    default:
                        throw writer.Refuse(entry.Name, $"unsupported tar entry type {entry.EntryType}");
                }
            }
        }
    }

    /// <summary>The part of a large file a cache-layer member holds (<see cref="FilePartHeader"/>), or null for a whole file.</summary>
    private static (long Offset, long FileSize)? PartOf(PaxTarEntry entry, SafeTreeWriter writer) =>
        FilePartHeader.Read(entry.ExtendedAttributes, out var problem) is { } part
            ? part
            : problem is null ? null : throw writer.Refuse(entry.Name, problem);

    internal static string? MapOrRefuse(string name, bool isDirectory, SafeTreeWriter writer, LayoutRule layout)
    {
        var normalized = ArchivePath.Normalize(name, out var problem) ?? throw writer.Refuse(name, problem!);
        if (normalized.Length == 0)
        {
            return null;
        }

        var mapped = layout.Map(normalized, isDirectory, out var layoutProblem);
        return layoutProblem is not null ? throw writer.Refuse(name, layoutProblem) : mapped;
    }
}
