namespace Nvsdk.Core.Metrics;

/// <summary>The Prometheus types nvsdk emits: a gauge goes up and down, a counter only grows (until a reset).</summary>
public enum MetricType
{
    Gauge,
    Counter,
}
