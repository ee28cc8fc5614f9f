namespace Nvsdk.Core.Metrics.PodResources;

/// <summary>
/// Which pod holds each GPU, kept fresh beside the scrapes: a loop asks the kubelet every
/// <see cref="Period"/> and swaps in the new map, so a scrape never waits on the kubelet and a kubelet that
/// hangs costs stale labels, not a slow /metrics. When the kubelet stops answering the labels go (no
/// attribution is better than a wrong one); one log line on each change between answering and not.
/// </summary>
public sealed class PodAttribution(PodResourcesClient client, Action<string> log, TimeSpan? period = null) : IDisposable
{
    private volatile IReadOnlyDictionary<string, IReadOnlyList<PodOwner>> owners = new Dictionary<string, IReadOnlyList<PodOwner>>();
    private bool? answering;

    public TimeSpan Period { get; } = period ?? TimeSpan.FromSeconds(5);

    /// <summary>GPU owners by device id (UUID or index) as of the last answer; empty before it or after a failure.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<PodOwner>> Owners => owners;

    /// <summary>Asks the kubelet once; never throws but for cancellation.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var allocations = await client.ListAsync(cancellationToken).ConfigureAwait(false);
            owners = PodDevices.Owners(allocations, PodResourcesClient.GpuResource);
            if (answering is not true)
            {
                log($"pod attribution from {client.SocketPath}: {owners.Count} GPU(s) allocated to pods");
            }

            answering = true;
        }
        catch (Errors.PodResourcesException e)
        {
            owners = new Dictionary<string, IReadOnlyList<PodOwner>>();
            if (answering is not false)
            {
                log($"no pod labels: {e.Message}");
            }

            answering = false;
        }
    }

    /// <summary>Refreshes every <see cref="Period"/> until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Period);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await RefreshAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    public void Dispose() => client.Dispose();
}
