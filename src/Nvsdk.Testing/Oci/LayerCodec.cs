using System.IO.Compression;
using OciMediaTypes = Nvsdk.Core.Oci.OciMediaTypes;

namespace Nvsdk.Testing.Oci;

/// <summary>Compresses layer tars into blobs, and opens blobs as their tars again (for tests that read layers back).</summary>
public static class LayerCodec
{
    /// <summary>A stream that compresses what is written to it into <paramref name="output"/> (left open); dispose it to finish.</summary>
    public static Stream Compressor(Stream output, LayerCompression compression) => compression switch
    {
        LayerCompression.None => new NonClosingStream(output),

        // Fastest: fixture layers are mostly random bytes that no level shrinks, and tests want speed.
        LayerCompression.Gzip => new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true),
        LayerCompression.Zstd => new ZstdSharp.CompressionStream(output, level: 3, leaveOpen: true),
        _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, null),
    };

    /// <summary>The uncompressed tar of a layer blob; the returned stream owns <paramref name="blob"/>.</summary>
    public static Stream OpenUncompressed(Stream blob, LayerCompression compression) => compression switch
    {
        LayerCompression.None => blob,
        LayerCompression.Gzip => new GZipStream(blob, CompressionMode.Decompress),
        LayerCompression.Zstd => new ZstdSharp.DecompressionStream(blob),
        _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, null),
    };

    /// <summary>The compression a layer media type (OCI or Docker) names.</summary>
    public static LayerCompression FromMediaType(string mediaType) => mediaType switch
    {
        OciMediaTypes.OciLayerTar or OciMediaTypes.DockerLayerTar => LayerCompression.None,
        OciMediaTypes.OciLayerGzip or OciMediaTypes.DockerLayerGzip => LayerCompression.Gzip,
        OciMediaTypes.OciLayerZstd => LayerCompression.Zstd,
        _ => throw new ArgumentException($"not a layer media type: {mediaType}", nameof(mediaType)),
    };
}

/// <summary>The "no compression" compressor: writes through, and disposing it leaves the output open like the others.</summary>
internal sealed class NonClosingStream(Stream inner) : Nvsdk.Core.Platform.WriteThroughStream(inner)
{
    public override void Write(byte[] buffer, int offset, int count) => Inner.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => Inner.Write(buffer);
}
