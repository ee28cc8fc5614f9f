namespace Nvsdk.Core.Metrics;

/// <summary>
/// What one client may cost the exporter: a request head must arrive whole within <see cref="HeadTimeout"/>
/// of its first byte (slowloris trickles are cut), an idle keep-alive connection lasts
/// <see cref="IdleTimeout"/>, an answer the client does not read is dropped after <see cref="WriteTimeout"/>,
/// and past <see cref="MaxConnections"/> open connections a new one gets 503 and is closed.
/// </summary>
public sealed record MetricsServerLimits
{
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(90);

    public TimeSpan HeadTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Prometheus keeps one connection per target; a few scrapers and curl fit with room to spare.</summary>
    public int MaxConnections { get; init; } = 64;
}
