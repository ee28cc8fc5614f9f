namespace Nvsdk.Cli.Parsing;

/// <summary>"Did you mean": the closest candidate by edit distance, or one the typed word is a prefix of.</summary>
internal static class Suggest
{
    public static string? Closest(string typed, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = candidate.StartsWith(typed, StringComparison.Ordinal) && typed.Trim('-').Length >= 2 ? 1 : Core.Primitives.EditDistance.Between(typed, candidate);
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        // Allow about one typo in three letters, and at least two: `instal`, `--dryrun`, `stauts`.
        return best is not null && bestDistance <= Math.Max(2, typed.Length / 3) ? best : null;
    }
}
