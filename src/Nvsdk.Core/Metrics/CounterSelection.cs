using Nvsdk.Core.Errors;

namespace Nvsdk.Core.Metrics;

/// <summary>
/// The fields a dcgm-exporter counters file (`-f default-counters.csv`, our `--collectors FILE`) turns on, so
/// a team's existing file works unchanged. Its format: `#` starts a comment; each other non-blank line is
/// `DCGM FIELD, Prometheus type, help` with type gauge, counter, histogram or label. Only the names are
/// used: nvsdk keeps its own type and help for each field, which match dcgm-exporter's defaults.
/// </summary>
public sealed class CounterSelection
{
    private static readonly string[] Types = ["gauge", "counter", "histogram", "label"];

    private readonly HashSet<string> names;

    private CounterSelection(HashSet<string> names) => this.names = names;

    /// <summary>Every field the file names.</summary>
    public IReadOnlyCollection<string> Names => names;

    /// <summary>DCGM_FI_DRIVER_VERSION as a label is on only when the file lists it (dcgm-exporter's rule).</summary>
    public bool Includes(string field) => names.Contains(field);

    public static CounterSelection Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read the collectors file {path}: {e.Message}", "give --collectors a dcgm-exporter counters CSV file that exists");
        }

        return Parse(text, path);
    }

    /// <summary>Parses the CSV; a malformed line is a usage error naming the file and line.</summary>
    public static CounterSelection Parse(string text, string source)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var columns = line.Split(',', 3);
            var field = columns[0].Trim();
            var type = columns.Length > 1 ? columns[1].Trim() : string.Empty;
            if (columns.Length < 3 || !field.StartsWith("DCGM_FI_", StringComparison.Ordinal) || !Types.Contains(type, StringComparer.Ordinal))
            {
                throw new UsageException(
                    $"{source}:{i + 1}: expected 'DCGM_FI_FIELD, gauge|counter|histogram|label, help', got '{line}'",
                    "use dcgm-exporter's counters CSV format (etc/default-counters.csv)");
            }

            names.Add(field);
        }

        return new CounterSelection(names);
    }
}
