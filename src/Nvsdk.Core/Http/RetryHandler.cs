using System.Net;
using Nvsdk.Core.Fetch;
using Polly;

namespace Nvsdk.Core.Http;

/// <summary>
/// The request half of the one retry policy (<see cref="RetryPolicy"/>): 5xx, 429, 408 and network failures
/// are retried, honouring Retry-After up to the back-off cap. Callers above it do not retry again, so a
/// persistent 503 costs exactly <see cref="FetchOptions.AttemptsPerSource"/> requests. A request is replayed
/// only when its body can be sent again (none, bytes in memory, or a <see cref="ReplayableContent"/>); a name
/// that does not resolve, or an upload whose own source failed its check, is not retried; the caller's
/// cancellation ends the wait at once. A caller that wants to show retries sets <see cref="Notice"/>.
/// </summary>
public sealed class RetryHandler : DelegatingHandler
{
    /// <summary>Told why a request is tried again ("HTTP 503", "connection refused"), before the back-off.</summary>
    public static readonly HttpRequestOptionsKey<Action<string>> Notice = new("nvsdk.retry-notice");

    private static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("nvsdk.request");

    private readonly ResiliencePipeline<HttpResponseMessage> pipeline;

    public RetryHandler(FetchOptions options)
    {
        pipeline = RetryPolicy.Build(
            options,
            new PredicateBuilder<HttpResponseMessage>()
                .Handle<HttpRequestException>(e => e.HttpRequestError != HttpRequestError.NameResolutionError && SourceFailure(e) is null)
                .HandleResult(r => Retryable(r.StatusCode)),
            args =>
            {
                if (args.Context.Properties.TryGetValue(RequestKey, out var request) && request.Options.TryGetValue(Notice, out var notice))
                {
                    notice(args.Outcome.Result is { } answer ? $"HTTP {(int)answer.StatusCode}" : args.Outcome.Exception?.Message ?? "failed");
                }

                args.Outcome.Result?.Dispose(); // frees the connection of the answer we are not keeping
                return default;
            },
            args => ValueTask.FromResult(args.Outcome.Result?.Headers.RetryAfter?.Delta is { } after && after <= options.MaxBackoff ? after : (TimeSpan?)null));
    }

    public static bool Retryable(HttpStatusCode status) => (int)status is 408 or 429 or >= 500;

    /// <summary>nvsdk's own error raised while an upload read its source (a damaged store file): not the server's fault.</summary>
    public static Errors.NvsdkException? SourceFailure(Exception e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is Errors.NvsdkException found)
            {
                return found;
            }
        }

        return null;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is not (null or ByteArrayContent or ReplayableContent))
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RequestKey, request);
        try
        {
            return await pipeline.ExecuteAsync(
                static async (context, state) => await state.Self.SendOnceAsync(state.Request, context.CancellationToken).ConfigureAwait(false),
                context,
                (Self: this, Request: request)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);
}
