using System.Net;

namespace Nvsdk.Core.Http;

/// <summary>
/// An upload body that calls <c>progressed</c> after every chunk it hands to the socket, so the stall clock
/// of <see cref="StallTimeoutHandler"/> measures silence, not the length of the upload. It does not own the
/// caller's content: the request gets the original back after the try.
/// </summary>
internal sealed class ProgressWatchedContent : HttpContent
{
    private readonly HttpContent inner;
    private readonly Action progressed;

    public ProgressWatchedContent(HttpContent inner, Action progressed)
    {
        this.inner = inner;
        this.progressed = progressed;
        foreach (var header in inner.Headers)
        {
            Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        await inner.CopyToAsync(new Watched(stream, progressed), context, cancellationToken).ConfigureAwait(false);

    protected override bool TryComputeLength(out long length)
    {
        length = inner.Headers.ContentLength ?? -1;
        return length >= 0;
    }

    /// <summary>A write-through view of the socket stream that reports each write.</summary>
    private sealed class Watched(Stream target, Action progressed) : Platform.WriteThroughStream(target)
    {
        public override void Write(byte[] buffer, int offset, int count)
        {
            Inner.Write(buffer, offset, count);
            progressed();
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            progressed();
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
