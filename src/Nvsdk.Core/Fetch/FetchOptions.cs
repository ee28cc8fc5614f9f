namespace Nvsdk.Core.Fetch;

/// <summary>How hard to try: retries, back-off, timeouts and parallelism.</summary>
public sealed record FetchOptions
{
    /// <summary>Attempts per source for retryable failures (5xx, 429, timeouts, resets, cut-short bodies).</summary>
    public int AttemptsPerSource { get; init; } = 4;

    /// <summary>The first back-off; it doubles per attempt, with jitter, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a connect, the response headers, or any single read may stall before the attempt fails.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many artifacts download (and unpack) at once: from the machine's cores and memory unless `--jobs` says.</summary>
    public int Parallelism { get; init; } = Platform.MachineCapacity.Workers;

    /// <summary>Whether entries without a pinned digest may be fetched (their digest is then reported).</summary>
    public bool AllowUnpinned { get; init; }

    /// <summary>How long to wait for another process that is fetching the same artifact.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromHours(2);
}
