using System.Text.Json;
using System.Text.RegularExpressions;

namespace Nvsdk.Cli.Tests;

/// <summary>A Grafana dashboard's panel queries as Grafana would send them, for the dashboard tests.</summary>
internal static partial class GrafanaPanels
{
    /// <summary>
    /// Every target's PromQL with each `$variable` replaced from <paramref name="variables"/> (e.g. "All" as
    /// `.*`); a variable left unreplaced fails the test, so no query runs with a `$` Prometheus would reject.
    /// </summary>
    public static List<(string Panel, string Expr)> Queries(string dashboard, IReadOnlyDictionary<string, string> variables)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(dashboard));
        var queries = new List<(string, string)>();
        foreach (var panel in document.RootElement.GetProperty("panels").EnumerateArray())
        {
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                var expr = variables.Aggregate(target.GetProperty("expr").GetString()!, (e, v) => e.Replace(v.Key, v.Value, StringComparison.Ordinal));
                Assert.DoesNotMatch(Variable(), expr);
                queries.Add((panel.GetProperty("title").GetString()!, expr));
            }
        }

        Assert.NotEmpty(queries);
        return queries;
    }

    [GeneratedRegex(@"\$\w")]
    private static partial Regex Variable();
}
