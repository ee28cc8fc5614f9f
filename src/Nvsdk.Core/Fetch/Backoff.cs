namespace Nvsdk.Core.Fetch;

/// <summary>Exponential back-off with jitter, so a fleet of hosts retrying a mirror does not hit it in step.</summary>
internal static class Backoff
{
    public static TimeSpan Delay(FetchOptions options, int attempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } after && after <= options.MaxBackoff)
        {
            return after;
        }

        var exponential = options.InitialBackoff.TotalMilliseconds * Math.Pow(2, attempt - 1);
        var capped = Math.Min(exponential, options.MaxBackoff.TotalMilliseconds);
#pragma warning disable CA5394 // jitter needs no cryptographic randomness
        return TimeSpan.FromMilliseconds(capped * (0.5 + (Random.Shared.NextDouble() / 2)));
#pragma warning restore CA5394
    }
}
