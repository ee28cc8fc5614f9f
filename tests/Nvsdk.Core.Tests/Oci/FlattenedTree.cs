using Nvsdk.Core.Platform;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Oci;

/// <summary>
/// A whole tree on disk as sorted lines, so a test states exactly what must be there and nothing else:
/// <c>dir/</c>, <c>file = content</c> (<c>file* = …</c> when executable), <c>link -> target</c>; files that
/// share an inode end in <c>#1</c>, <c>#2</c>… numbered in path order.
/// </summary>
internal static class FlattenedTree
{
    public static async Task<string[]> ListAsync(string root)
    {
        var infos = TreeWalker.Walk(root).ToList();
        var files = infos.Where(i => i is FileInfo && i.LinkTarget is null).Select(i => i.FullName).ToList();
        var inodes = await InodesAsync(files);
        var shared = inodes.GroupBy(p => p.Value).Where(g => g.Count() > 1)
            .OrderBy(g => g.Select(p => Relative(root, p.Key)).Min(StringComparer.Ordinal), StringComparer.Ordinal)
            .Select((g, i) => (g.Key, Number: i + 1))
            .ToDictionary(g => g.Key, g => g.Number);
        var lines = new List<string>();
        foreach (var info in infos)
        {
            var rel = Relative(root, info.FullName);
            if (info.LinkTarget is { } target)
            {
                lines.Add($"{rel} -> {target}");
            }
            else if (info is DirectoryInfo)
            {
                lines.Add($"{rel}/");
            }
            else
            {
                var exec = (File.GetUnixFileMode(info.FullName) & UnixFileMode.UserExecute) != 0 ? "*" : string.Empty;
                var link = shared.TryGetValue(inodes[info.FullName], out var n) ? $" #{n}" : string.Empty;
                lines.Add($"{rel}{exec} = {await File.ReadAllTextAsync(info.FullName)}{link}");
            }
        }

        return [.. lines.Order(StringComparer.Ordinal)];
    }

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path);

    private static async Task<Dictionary<string, string>> InodesAsync(IReadOnlyList<string> files)
    {
        if (files.Count == 0)
        {
            return [];
        }

        var result = await ProcessRunner.RunAsync("stat", ["-c", "%i %n", .. files]);
        Assert.Equal(0, result.ExitCode);
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', 2))
            .ToDictionary(parts => parts[1], parts => parts[0]);
    }
}
