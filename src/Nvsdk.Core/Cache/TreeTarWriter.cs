using System.Formats.Tar;
using Nvsdk.Core.Platform;

namespace Nvsdk.Core.Cache;

/// <summary>
/// Writes a store tree as a tar in a fixed order with fixed metadata (modes 0755/0644, epoch mtimes, no
/// owners), so the same tree always gives the same bytes and, unpacked by SafeTreeWriter, the same manifest.
/// Hard-linked files become separate members: the manifest does not tell them apart either.
/// </summary>
internal static class TreeTarWriter
{
    private static readonly DateTimeOffset Epoch = DateTimeOffset.UnixEpoch.AddSeconds(1);
    private const UnixFileMode Dir = (UnixFileMode)0b111_101_101;
    private const UnixFileMode Exec = (UnixFileMode)0b111_101_101;
    private const UnixFileMode Plain = (UnixFileMode)0b110_100_100;

    public static Task WriteAsync(string root, Stream output, CancellationToken cancellationToken) =>
        WriteAsync(root, TreeWalker.Walk(root), output, cancellationToken);

    /// <summary>Writes <paramref name="members"/> (entries of the tree under <paramref name="root"/>) in the order given.</summary>
    public static async Task WriteAsync(string root, IEnumerable<FileSystemInfo> members, Stream output, CancellationToken cancellationToken)
    {
        var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        await using (writer.ConfigureAwait(false))
        {
            foreach (var info in members)
            {
                cancellationToken.ThrowIfCancellationRequested();
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
                        var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { ModificationTime = Epoch, Mode = executable ? Exec : Plain, DataStream = data };
                        await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
    }
}
