using System.Formats.Tar;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Unpack;
using ZstdSharp;

namespace Nvsdk.Core.Oci.Layers;

/// <summary>
/// One flattening: the tree writer shared by every layer, what the layers read so far hide, the hard links
/// still to make and the members left out. Layers are applied top to bottom; <see cref="Finish"/> then makes
/// the hard links and symlinks (the writer creates symlinks last, after every file).
/// </summary>
internal sealed partial class FlattenSession
{
    private readonly IReadOnlyList<OciLayerFile> layers;
    private readonly IReadOnlyList<LayerCompression> compressions;
    private readonly UnpackLimits limits;
    private readonly SafeTreeWriter writer;
    private readonly LayerOcclusion occlusion = new();
    private readonly HardLinkGroups links = new();
    private readonly List<SkippedLayerEntry> skipped = [];
    private readonly TreeAttributes attributes;
    private readonly string destination;
    private long members;
    private long declaredBytes;

    public FlattenSession(string destination, IReadOnlyList<OciLayerFile> layers, IReadOnlyList<LayerCompression> compressions, UnpackLimits limits, FileModes modes)
    {
        this.destination = destination;
        attributes = new TreeAttributes(modes);
        this.layers = layers;
        this.compressions = compressions;
        this.limits = limits;
        var compressedSize = layers.Sum(l => new FileInfo(l.Path).Length);
        writer = new SafeTreeWriter(destination, layers.Count > 0 ? layers[^1].OciDigest : "image", compressedSize, limits);
    }

    public async Task ApplyLayerAsync(int index, CancellationToken cancellationToken)
    {
        var layer = layers[index];
        writer.Archive = layer.OciDigest;
        links.BeginLayer();
        try
        {
            long ordinal = -1;
            await foreach (var entry in LayerReader.EntriesAsync(layer, compressions[index], cancellationToken).ConfigureAwait(false))
            {
                await ApplyAsync(index, ++ordinal, entry, cancellationToken).ConfigureAwait(false);
            }

            if (links.TakeRereads() is { Count: > 0 } rereads)
            {
                await RereadAsync(index, rereads, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or ZstdException or CorruptArchiveException)
        {
            throw new NvsdkException(ErrorCode.InvalidInput, $"layer {layer.OciDigest}: the layer is corrupt or ends early ({e.Message})", e);
        }
    }

    /// <summary>Makes the hard links (and the copies that stand for them) and the symlinks, then sets kept modes; returns the result.</summary>
    public FlattenResult Finish(CancellationToken cancellationToken)
    {
        foreach (var group in links.Groups())
        {
            foreach (var link in group.Links)
            {
                writer.Archive = link.Archive;
                var source = group.Source ?? throw writer.Refuse(link.Entry, $"hard link to '{link.Target}', which no layer at or below it provides");
                if (source.IsFile)
                {
                    var target = source.Written ? source.Path : group.Materialized ?? throw new NvsdkException($"hard link {link.Path}: its hidden source was never copied");
                    if (link.Path != target)
                    {
                        writer.HardLink(link.Entry, link.Path, target);
                    }
                }
                else if (source.Type == TarEntryType.SymbolicLink)
                {
                    // A hard link to a symlink is a second symlink with the same target.
                    writer.Symlink(link.Entry, link.Path, SymlinkTargets.Rebase(link.Path, source.SymlinkTarget!));
                }
                else if (IsSpecial(source.Type))
                {
                    skipped.Add(new SkippedLayerEntry(link.Path, source.Type, layers[link.Layer].Digest));
                }
                else
                {
                    throw writer.Refuse(link.Entry, $"hard link to '{link.Target}', which is a {source.Type}, not a file");
                }
            }
        }

        var manifest = writer.Complete();
        var stripped = attributes.Apply(destination, cancellationToken);
        return new FlattenResult(manifest, [.. skipped.OrderBy(s => s.Path, StringComparer.Ordinal)], stripped);
    }

    /// <summary>Reads a layer again for the hidden files that links of the same layer named after passing them.</summary>
    private async Task RereadAsync(int index, IReadOnlyList<LinkGroup> groups, CancellationToken cancellationToken)
    {
        var wanted = groups.ToDictionary(g => g.Source!.Ordinal);
        long ordinal = -1;
        await foreach (var entry in LayerReader.EntriesAsync(layers[index], compressions[index], cancellationToken).ConfigureAwait(false))
        {
            if (wanted.Remove(++ordinal, out var group))
            {
                await MaterializeAsync(group, entry, cancellationToken).ConfigureAwait(false);
                if (wanted.Count == 0)
                {
                    break;
                }
            }
        }
    }

    /// <summary>Writes a hidden source's bytes at its group's first link, which the other links then share.</summary>
    private async Task MaterializeAsync(LinkGroup group, TarEntry entry, CancellationToken cancellationToken)
    {
        var first = group.Links[0];
        var current = writer.Archive;
        writer.Archive = first.Archive;
        try
        {
            await writer.FileAsync(first.Entry, first.Path, entry.Mode, entry.Length, entry.DataStream ?? Stream.Null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            writer.Archive = current;
        }

        group.Materialized = first.Path;
        attributes.Record(first.Path, entry);
    }

    private static bool IsSpecial(TarEntryType type) => type is TarEntryType.CharacterDevice or TarEntryType.BlockDevice or TarEntryType.Fifo;
}
