using System.IO.Compression;

namespace Nvsdk.Testing.Oci;

/// <summary>Compresses layer tars into blobs, and opens blobs as their tars again (for tests that read layers back).</summary>
public static class LayerCodec
{
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
