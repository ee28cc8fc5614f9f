using System.Net;
using System.Net.Http.Headers;

namespace Nvsdk.Core.Http;

/// <summary>
/// An upload body that can be sent more than once: each send opens its source afresh, so the pipeline's
/// retry policy can replay a PUT (a consumed stream cannot be rewound). The length is known up front.
/// </summary>
public sealed class ReplayableContent : HttpContent
{
    private const int BufferSize = 1 << 20;

    private readonly Func<Stream> open;
    private readonly long length;

    public ReplayableContent(Func<Stream> open, long length, string mediaType = "application/octet-stream")
    {
        this.open = open;
        this.length = length;
        Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        Headers.ContentLength = length;
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var source = open();
        await using (source.ConfigureAwait(false))
        {
            await source.CopyToAsync(stream, BufferSize, cancellationToken).ConfigureAwait(false);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = this.length;
        return true;
    }
}
