using System.Text;

namespace Nvsdk.Core.Host;

/// <summary>
/// A unified diff of two small text files (host config files are a few KiB): longest common subsequence by
/// lines, hunks with three lines of context, as `diff -u` prints them.
/// </summary>
public static class UnifiedDiff
{
    public static string Create(string path, string? before, string? after)
    {
        var a = Lines(before);
        var b = Lines(after);
        var ops = Ops(a, b);
        var text = new StringBuilder();
        text.Append(before is null ? "--- /dev/null\n" : $"--- {path}\n");
        text.Append(after is null ? "+++ /dev/null\n" : $"+++ {path}\n");
        const int Context = 3;
        var i = 0;
        while (i < ops.Count)
        {
            if (ops[i].Kind == ' ')
            {
                i++;
                continue;
            }

            var start = Math.Max(0, i - Context);
            var end = i;
            var quiet = 0;
            while (end < ops.Count && quiet <= 2 * Context)
            {
                quiet = ops[end].Kind == ' ' ? quiet + 1 : 0;
                end++;
            }

            end = Math.Min(ops.Count, end - Math.Max(0, quiet - Context));
            var hunk = ops.GetRange(start, end - start);
            var aStart = hunk.FirstOrDefault(o => o.Kind != '+').A;
            var bStart = hunk.FirstOrDefault(o => o.Kind != '-').B;
            var aCount = hunk.Count(o => o.Kind != '+');
            var bCount = hunk.Count(o => o.Kind != '-');
            text.Append($"@@ -{(aCount == 0 ? aStart : aStart + 1)},{aCount} +{(bCount == 0 ? bStart : bStart + 1)},{bCount} @@\n");
            foreach (var op in hunk)
            {
                text.Append(op.Kind).Append(op.Line).Append('\n');
            }

            i = end;
        }

        return text.ToString();
    }

    private static string[] Lines(string? text) =>
        string.IsNullOrEmpty(text) ? [] : text.TrimEnd('\n').Split('\n');

    private static List<(char Kind, string Line, int A, int B)> Ops(string[] a, string[] b)
    {
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var x = a.Length - 1; x >= 0; x--)
        {
            for (var y = b.Length - 1; y >= 0; y--)
            {
                lcs[x, y] = a[x] == b[y] ? lcs[x + 1, y + 1] + 1 : Math.Max(lcs[x + 1, y], lcs[x, y + 1]);
            }
        }

        var ops = new List<(char, string, int, int)>();
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            if (i < a.Length && j < b.Length && a[i] == b[j])
            {
                ops.Add((' ', a[i], i, j));
                i++;
                j++;
            }
            else if (j < b.Length && (i == a.Length || lcs[i, j + 1] > lcs[i + 1, j]))
            {
                ops.Add(('+', b[j], i, j));
                j++;
            }
            else
            {
                ops.Add(('-', a[i], i, j));
                i++;
            }
        }

        return ops;
    }
}
