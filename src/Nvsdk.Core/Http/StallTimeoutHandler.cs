using System.Net;

namespace Nvsdk.Core.Http;

/// <summary>
/// The last stage of nvsdk's HTTP pipeline before the socket: each try must bring its headers within the
/// stall time (a silent server is a failure the retry policy above sees), and every response body is read
/// through a <see cref="StallTimeoutStream"/>, whoever reads it (buffered or streamed), so no download hangs.
/// An upload restarts the clock with every chunk it sends: a large PUT may take longer than the stall time,
/// a PUT that stops moving may not.
/// </summary>
public sealed class StallTimeoutHandler(TimeSpan stall) : DelegatingHandler
{
    /// <summary>Long enough for a slow mirror, short enough that a dead one is noticed.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(60);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        using (var headers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            headers.CancelAfter(stall);
            var upload = request.Content;
            if (upload is not null)
            {
                request.Content = new ProgressWatchedContent(upload, () => headers.CancelAfter(stall));
            }

            try
            {
                response = await base.SendAsync(request, headers.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new HttpRequestException($"{request.RequestUri?.Authority}: no answer within {stall.TotalSeconds:0.#} s", e);
            }
            finally
            {
                if (upload is not null)
                {
                    request.Content = upload; // a retry above wraps the caller's content again, not our wrapper
                }
            }
        }

        response.Content = new StallGuardedContent(response.Content, stall, request.RequestUri);
        return response;
    }

    private sealed class StallGuardedContent : HttpContent
    {
        private readonly HttpContent inner;
        private readonly TimeSpan stall;
        private readonly Uri? url;

        public StallGuardedContent(HttpContent inner, TimeSpan stall, Uri? url)
        {
            this.inner = inner;
            this.stall = stall;
            this.url = url;
            foreach (var header in inner.Headers)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
            new StallTimeoutStream(await inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), stall, url);

        protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            var body = await CreateContentReadStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                await body.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = inner.Headers.ContentLength ?? -1;
            return length >= 0;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
