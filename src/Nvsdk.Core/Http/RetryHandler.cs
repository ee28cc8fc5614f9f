using System.Net;
using Nvsdk.Core.Fetch;
using Polly;
using Polly.Retry;

namespace Nvsdk.Core.Http;

/// <summary>
/// The one retry policy of nvsdk's HTTP pipeline (Polly.Core): 5xx, 429, 408 and network failures are
/// retried with exponential back-off and jitter (honouring Retry-After up to the back-off cap), at most
/// <see cref="FetchOptions.AttemptsPerSource"/> requests in all. Callers above it do not retry statuses
/// again, so a persistent 503 costs exactly that many requests, not a product of nested loops. Only
/// requests without a body are replayed here (a consumed upload stream cannot be sent twice); a name that
/// does not resolve is not retried, and the caller's cancellation ends the wait at once.
/// </summary>
public sealed class RetryHandler : DelegatingHandler
{
    private readonly ResiliencePipeline<HttpResponseMessage> pipeline;

    public RetryHandler(FetchOptions options)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (options.AttemptsPerSource < 2)
        {
            pipeline = builder.Build(); // one attempt: nothing to retry (Polly's retry wants at least one)
            return;
        }

        pipeline = builder
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.AttemptsPerSource - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.InitialBackoff,
                MaxDelay = options.MaxBackoff,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>(e => e.HttpRequestError != HttpRequestError.NameResolutionError)
                    .HandleResult(r => Retryable(r.StatusCode)),
                DelayGenerator = args =>
                    ValueTask.FromResult(args.Outcome.Result?.Headers.RetryAfter?.Delta is { } after && after <= options.MaxBackoff ? after : (TimeSpan?)null),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose(); // frees the connection of the answer we are not keeping
                    return default;
                },
            })
            .Build();
    }

    public static bool Retryable(HttpStatusCode status) => (int)status is 408 or 429 or >= 500;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is not null)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        return await pipeline.ExecuteAsync(
            static async (state, token) => await state.Self.SendOnceAsync(state.Request, token).ConfigureAwait(false),
            (Self: this, Request: request),
            cancellationToken).ConfigureAwait(false);
    }

    private Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);
}
