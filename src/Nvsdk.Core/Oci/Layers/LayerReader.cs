using System.Buffers;
using System.Formats.Tar;
using System.Runtime.CompilerServices;
using Nvsdk.Core.Fetch;

namespace Nvsdk.Core.Oci.Layers;

/// <summary>
/// Streams a layer's tar members straight from its file: file → digest check → decompressor → tar reader,
/// nothing held in memory. Enumerated to the end, it drains the file too, so the digest is really checked:
/// the tar reader stops at the end-of-archive blocks, before gzip's trailer or any padding.
/// </summary>
internal static class LayerReader
{
    public static async IAsyncEnumerable<TarEntry> EntriesAsync(
        OciLayerFile layer,
        LayerCompression compression,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var file = new FileStream(layer.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (file.ConfigureAwait(false))
        {
            var verifying = new VerifyingStream(file, $"layer {layer.OciDigest}", layer.Digest, file.Length, leaveOpen: true);
            await using (verifying.ConfigureAwait(false))
            {
                var tar = LayerCompressions.Decompress(verifying, compression);
                try
                {
                    var reader = new TarReader(new Unpack.TarHeaderGuard(tar, $"layer {layer.OciDigest}"), leaveOpen: true);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
                        {
                            yield return entry;
                        }
                    }
                }
                finally
                {
                    if (!ReferenceEquals(tar, verifying))
                    {
                        await tar.DisposeAsync().ConfigureAwait(false);
                    }
                }

                await DrainAsync(verifying, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task DrainAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            while (await stream.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false) > 0)
            {
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
