using System.Globalization;
using System.Text;

namespace Nvsdk.Core.Metrics;

/// <summary>
/// A Prometheus text exposition (format 0.0.4) being built: families in the order first asked for, each
/// written once with its HELP and TYPE lines before its samples, whatever order samples were added in.
/// </summary>
public sealed class Exposition
{
    /// <summary>The Content-Type Prometheus expects for this format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly List<MetricFamily> families = [];
    private readonly Dictionary<string, MetricFamily> byName = new(StringComparer.Ordinal);

    public MetricFamily Gauge(string name, string help) => Family(name, MetricType.Gauge, help);

    public MetricFamily Counter(string name, string help) => Family(name, MetricType.Counter, help);

    /// <summary>The family of that name, made on first use; asking again with another type is a bug.</summary>
    public MetricFamily Family(string name, MetricType type, string help)
    {
        if (byName.TryGetValue(name, out var existing))
        {
            return existing.Type == type ? existing : throw new InvalidOperationException($"{name} is already a {existing.Type}");
        }

        var family = new MetricFamily(name, type, help);
        families.Add(family);
        byName.Add(name, family);
        return family;
    }

    /// <summary>Writes every family that has samples (an empty family would be HELP and TYPE for nothing).</summary>
    public void WriteTo(TextWriter writer)
    {
        foreach (var family in families.Where(f => f.Count > 0))
        {
            family.WriteTo(writer);
        }
    }

    public override string ToString()
    {
        var builder = new StringBuilder();
        using var writer = new StringWriter(builder, CultureInfo.InvariantCulture);
        WriteTo(writer);
        return builder.ToString();
    }

    /// <summary>Label values escape backslash, double quote and line feed (the text format's rule).</summary>
    public static string EscapeLabelValue(string value) =>
        value.AsSpan().IndexOfAny("\\\"\n") < 0 ? value : value.Replace("\\", @"\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", @"\n", StringComparison.Ordinal);

    /// <summary>HELP text escapes backslash and line feed only.</summary>
    public static string EscapeHelp(string help) =>
        help.Replace("\\", @"\\", StringComparison.Ordinal).Replace("\n", @"\n", StringComparison.Ordinal);

    /// <summary>Go's float syntax as Prometheus parses it: shortest round-trip digits, NaN, +Inf, -Inf.</summary>
    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };
}
