using System.IO.Compression;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Unpack;

namespace Nvsdk.Core.Oci.Layers;

/// <summary>How a layer blob is compressed, read from its media type (never sniffed: the manifest is pinned).</summary>
internal enum LayerCompression
{
    None,
    Gzip,
    Zstd,
}

internal static class LayerCompressions
{
    // Non-distributable ("foreign") layers are deprecated by OCI and are fetched from URLs outside the
    // registry (Windows base layers, mostly): no mirror of ours holds them, so they are refused by name.
    private const string OciNonDistributable = "application/vnd.oci.image.layer.nondistributable.v1.tar";
    private const string DockerForeign = "application/vnd.docker.image.rootfs.foreign.diff.tar";

    public static LayerCompression Of(OciLayerFile layer) => layer.MediaType switch
    {
        OciMediaTypes.OciLayerTar => LayerCompression.None,
        OciMediaTypes.OciLayerGzip or OciMediaTypes.DockerLayerGzip => LayerCompression.Gzip,
        OciMediaTypes.OciLayerZstd => LayerCompression.Zstd,
        var type when type.StartsWith(OciNonDistributable, StringComparison.Ordinal) || type.StartsWith(DockerForeign, StringComparison.Ordinal) =>
            throw new UnsupportedLayerException(layer.Digest, type, "non-distributable (foreign) layers are not supported"),
        var type => throw new UnsupportedLayerException(layer.Digest, type, "not an image layer media type nvsdk can unpack"),
    };

    /// <summary>
    /// A decompressing view of <paramref name="compressed"/>, which stays open; a plain layer is returned as
    /// is, so dispose the result only when it is not the stream passed in.
    /// </summary>
    public static Stream Decompress(Stream compressed, LayerCompression compression) => compression switch
    {
        LayerCompression.Gzip => new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: true),
        LayerCompression.Zstd => ZstdDecoders.Open(compressed, leaveOpen: true),
        _ => compressed,
    };
}
