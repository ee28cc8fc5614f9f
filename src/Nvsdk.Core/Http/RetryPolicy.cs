using System.Diagnostics.CodeAnalysis;
using Nvsdk.Core.Fetch;
using Polly;
using Polly.Retry;

namespace Nvsdk.Core.Http;

/// <summary>
/// nvsdk's one retry policy (Polly.Core): at most <see cref="FetchOptions.AttemptsPerSource"/> tries, with
/// exponential back-off and jitter up to <see cref="FetchOptions.MaxBackoff"/>. Two places apply it, each to
/// failures the other never sees, so they never multiply: <see cref="RetryHandler"/> to a request (an error
/// status, a failed connection) and <see cref="ResumableDownload"/> to a body cut off after its headers
/// arrived (resumed with a Range request).
/// </summary>
internal static class RetryPolicy
{
    public static ResiliencePipeline<T> Build<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] T>(
        FetchOptions options,
        PredicateBuilder<T> handle,
        Func<OnRetryArguments<T>, ValueTask> onRetry,
        Func<RetryDelayGeneratorArguments<T>, ValueTask<TimeSpan?>>? delay = null)
    {
        var builder = new ResiliencePipelineBuilder<T>();
        if (options.AttemptsPerSource < 2)
        {
            return builder.Build(); // one attempt: nothing to retry (Polly's retry wants at least one)
        }

        return builder
            .AddRetry(new RetryStrategyOptions<T>
            {
                MaxRetryAttempts = options.AttemptsPerSource - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.InitialBackoff,
                MaxDelay = options.MaxBackoff,
                ShouldHandle = handle,
                DelayGenerator = delay,
                OnRetry = onRetry,
            })
            .Build();
    }
}
