using System.Text.RegularExpressions;

namespace Nvsdk.Core.Metrics;

/// <summary>
/// One metric name with its HELP, TYPE and samples. Names and label names are checked against the
/// Prometheus data model when the family or sample is made, so a typo in a name fails a unit test rather
/// than a scrape.
/// </summary>
public sealed partial class MetricFamily
{
    private readonly List<(string[] Names, string[] Values, double Value)> samples = [];
    private readonly HashSet<string> labelSets = new(StringComparer.Ordinal);

    internal MetricFamily(string name, MetricType type, string help)
    {
        if (!MetricName().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not a valid Prometheus metric name", nameof(name));
        }

        Name = name;
        Type = type;
        Help = help;
    }

    public string Name { get; }

    public MetricType Type { get; }

    public string Help { get; }

    public int Count => samples.Count;

    /// <summary>Adds a sample; a second sample with the same labels is a bug (Prometheus rejects the scrape).</summary>
    public MetricFamily Add(double value, params ReadOnlySpan<(string Name, string Value)> labels)
    {
        var names = new string[labels.Length];
        var values = new string[labels.Length];
        for (var i = 0; i < labels.Length; i++)
        {
            if (!LabelName().IsMatch(labels[i].Name) || labels[i].Name.StartsWith("__", StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{labels[i].Name}' is not a valid Prometheus label name", nameof(labels));
            }

            names[i] = labels[i].Name;
            values[i] = labels[i].Value;
        }

        if (names.Distinct(StringComparer.Ordinal).Count() != names.Length)
        {
            throw new ArgumentException($"{Name}: a label is given twice", nameof(labels));
        }

        if (Type == MetricType.Counter && value < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), $"{Name} is a counter and cannot be negative");
        }

        var key = string.Join('\u0001', names.Zip(values, (n, v) => n + '\u0000' + v).Order(StringComparer.Ordinal));
        if (!labelSets.Add(key))
        {
            throw new InvalidOperationException($"{Name}: two samples with the same labels");
        }

        samples.Add((names, values, value));
        return this;
    }

    /// <summary>Adds a sample when there is a value; NVML's NOT_SUPPORTED becomes a missing series, not a zero.</summary>
    public MetricFamily AddIfPresent(double? value, params ReadOnlySpan<(string Name, string Value)> labels) =>
        value is { } v ? Add(v, labels) : this;

    internal void WriteTo(TextWriter writer)
    {
        writer.Write("# HELP ");
        writer.Write(Name);
        writer.Write(' ');
        writer.Write(Exposition.EscapeHelp(Help));
        writer.Write("\n# TYPE ");
        writer.Write(Name);
        writer.Write(Type == MetricType.Counter ? " counter\n" : " gauge\n");
        foreach (var (names, values, value) in samples)
        {
            writer.Write(Name);
            if (names.Length > 0)
            {
                writer.Write('{');
                for (var i = 0; i < names.Length; i++)
                {
                    if (i > 0)
                    {
                        writer.Write(',');
                    }

                    writer.Write(names[i]);
                    writer.Write("=\"");
                    writer.Write(Exposition.EscapeLabelValue(values[i]));
                    writer.Write('"');
                }

                writer.Write('}');
            }

            writer.Write(' ');
            writer.Write(Exposition.FormatValue(value));
            writer.Write('\n');
        }
    }

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();
}
