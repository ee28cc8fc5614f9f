using System.Formats.Tar;
using Nvsdk.Core.Platform;
using Nvsdk.Core.Unpack;

namespace Nvsdk.Core.Cache;

/// <summary>
/// Writes a store tree as a tar in a fixed order with fixed metadata (modes 0755/0644, epoch mtimes, no
/// owners), so the same tree always gives the same bytes and, unpacked by SafeTreeWriter, the same manifest.
/// Hard-linked files become separate members: the manifest does not tell them apart either. A part of a
/// file (<see cref="LayerMember.IsPart"/>) is a member named like the file, carrying its range in
/// <see cref="FilePartHeader"/> keywords.
/// </summary>
internal static class TreeTarWriter
{
    private static readonly DateTimeOffset Epoch = DateTimeOffset.UnixEpoch.AddSeconds(1);
    private const UnixFileMode Dir = (UnixFileMode)0b111_101_101;
    private const UnixFileMode Exec = (UnixFileMode)0b111_101_101;
    private const UnixFileMode Plain = (UnixFileMode)0b110_100_100;

    public static Task WriteAsync(string root, Stream output, CancellationToken cancellationToken) =>
        WriteAsync(root, TreeWalker.Walk(root).Select(LayerMember.Whole), output, cancellationToken);

    /// <summary>Writes <paramref name="members"/> (entries of the tree under <paramref name="root"/>) in the order given.</summary>
    public static async Task WriteAsync(string root, IEnumerable<LayerMember> members, Stream output, CancellationToken cancellationToken)
    {
        var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        await using (writer.ConfigureAwait(false))
        {
            foreach (var member in members)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var info = member.Info;
                var name = Path.GetRelativePath(root, info.FullName).Replace('\\', '/');
                if (info.LinkTarget is { } target)
                {
                    await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target, ModificationTime = Epoch, Mode = Exec }, cancellationToken).ConfigureAwait(false);
                }
                else if (info is DirectoryInfo)
                {
                    await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, name + "/") { ModificationTime = Epoch, Mode = Dir }, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    var executable = (info.UnixFileMode & UnixFileMode.UserExecute) != 0;
                    var data = new FileStream(info.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
                    await using (data.ConfigureAwait(false))
                    {
                        var entry = member.IsPart
                            ? new PaxTarEntry(TarEntryType.RegularFile, name, FilePartHeader.For(member.Offset, ((FileInfo)info).Length)) { DataStream = new FileRangeStream(data, member.Offset, member.Length) }
                            : new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = data };
                        entry.ModificationTime = Epoch;
                        entry.Mode = executable ? Exec : Plain;
                        await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
    }
}
