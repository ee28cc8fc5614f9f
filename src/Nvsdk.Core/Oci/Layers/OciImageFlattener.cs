using Nvsdk.Core.Unpack;

namespace Nvsdk.Core.Oci.Layers;

/// <summary>
/// Flattens an image's layers into one directory tree: the file system a container of the image sees, as
/// <c>crane export</c> (go-containerregistry's <c>mutate.Extract</c>) and <c>tar -x</c> would give it, with
/// the OCI layer rules applied where Extract falls short (opaque folders, hard links to replaced files).
/// <list type="bullet">
/// <item>Layers are read top to bottom, so each path is written once, by the topmost layer that has it;
/// folders found in several layers merge. <c>.wh.NAME</c> hides NAME and all below it in lower layers,
/// <c>.wh..wh..opq</c> hides what lower layers put in its folder; markers never reach the tree.</item>
/// <item>Symlinks are kept; absolute targets become the relative target that names the same place in the
/// tree. Hard links stay hard links, made last (see <see cref="HardLinkGroups"/>).</item>
/// <item>Device nodes and FIFOs are skipped and listed in <see cref="FlattenResult.Skipped"/>. Owners are
/// not kept (the tree belongs to whoever unpacks it); modes and mtimes follow <see cref="FileModes"/>: normalised
/// for store trees as for every archive, kept for `image export` (setuid/setgid only when asked).</item>
/// <item>Everything <see cref="SafeTreeWriter"/> refuses is refused here too, naming the layer and member:
/// absolute or <c>..</c> paths, links out of the tree, and writes through a symlink of another layer.</item>
/// <item>Each layer streams from its file through its digest check and decompressor; none is held in
/// memory. The caller owns the destination and deletes it after a failure.</item>
/// </list>
/// </summary>
public static class OciImageFlattener
{
    /// <param name="layers">The layers bottom first, as the image manifest lists them.</param>
    /// <param name="destination">A fresh folder for the tree.</param>
    /// <param name="limits">Caps against decompression bombs, for all layers together.</param>
    /// <param name="modes">What the tree keeps of each member's mode and mtime.</param>
    /// <param name="cancellationToken">Cancels between and within members.</param>
    public static async Task<FlattenResult> FlattenAsync(
        IReadOnlyList<OciLayerFile> layers,
        string destination,
        UnpackLimits? limits = null,
        FileModes modes = FileModes.Normalized,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentException.ThrowIfNullOrEmpty(destination);

        // Every media type is checked before anything is written.
        var compressions = layers.Select(LayerCompressions.Of).ToList();
        var session = new FlattenSession(destination, layers, compressions, limits ?? new UnpackLimits(), modes);
        for (var i = layers.Count - 1; i >= 0; i--)
        {
            await session.ApplyLayerAsync(i, cancellationToken).ConfigureAwait(false);
        }

        return session.Finish(cancellationToken);
    }
}
