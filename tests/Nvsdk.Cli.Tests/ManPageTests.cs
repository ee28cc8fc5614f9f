using System.Text.RegularExpressions;
using Nvsdk.Testing;

namespace Nvsdk.Cli.Tests;

/// <summary>
/// `nvsdk man`, rendered by the real man and groff: clean roff, and complete against sources that do not come
/// from the page's generator: the commands `--help` lists, the exit codes ExitCodes.cs declares, and the
/// environment variables the code reads.
/// </summary>
public sealed partial class ManPageTests : IDisposable
{
    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    private async Task<string> PageAsync()
    {
        var result = await Nvsdk.RunAsync("man");
        Assert.True(result.ExitCode == 0, result.ToString());
        var path = temp.Combine("nvsdk.1");
        await File.WriteAllTextAsync(path, result.Stdout);
        return path;
    }

    private static async Task<string> RenderAsync(string page)
    {
        var man = await ProcessRunner.RunAsync(ProcessRunner.Require("man", "man-db"), ["-P", "cat", "-l", page], environment: new Dictionary<string, string?> { ["MANWIDTH"] = "200" });
        Assert.True(man.ExitCode == 0, man.ToString());
        return man.Stdout;
    }

    [Fact]
    public async Task Man_IsCleanRoff()
    {
        var page = await PageAsync();
        var groff = await ProcessRunner.RunAsync(ProcessRunner.Require("groff", "groff-base"), ["-man", "-Tutf8", "-ww", "-z", page]);
        Assert.True(groff.ExitCode == 0 && groff.Stderr.Length == 0, groff.ToString());
    }

    [Fact]
    public async Task Man_HasASectionForEveryCommandHelpLists()
    {
        var rendered = await RenderAsync(await PageAsync());
        var commands = await CommandsAsync([]);
        Assert.Contains(["host", "plan"], commands, new SequenceComparer());
        Assert.Contains(["completion"], commands, new SequenceComparer());
        foreach (var command in commands)
        {
            Assert.Matches(new Regex($"^ +nvsdk {Regex.Escape(string.Join(' ', command))}( |$)", RegexOptions.Multiline), rendered);
        }
    }

    [Fact]
    public async Task Man_DescribesEveryOptionHelpLists()
    {
        var rendered = await RenderAsync(await PageAsync());
        var help = (await Nvsdk.RunAsync("host", "plan", "--help")).Stdout + (await Nvsdk.RunAsync("fetch", "--help")).Stdout + (await Nvsdk.RunAsync("--help")).Stdout;
        var options = HelpOption().Matches(help).Select(m => m.Groups[1].Value).Where(o => o is not "--help" and not "--version").Distinct(StringComparer.Ordinal).ToList();
        Assert.Contains("--jobs", options);
        foreach (var option in options)
        {
            // An option's own paragraph: its names at the start of a tagged line.
            Assert.Matches(new Regex($"^ +(-[\\w?], )*{Regex.Escape(option)}\\b", RegexOptions.Multiline), rendered);
        }
    }

    [Fact]
    public async Task Man_ListsEveryExitCode()
    {
        var rendered = await RenderAsync(await PageAsync());
        var status = rendered[rendered.IndexOf("EXIT STATUS", StringComparison.Ordinal)..rendered.IndexOf("ENVIRONMENT", StringComparison.Ordinal)];
        var source = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "src", "Nvsdk.Cli", "ExitCodes.cs"));
        var codes = ExitCodeConstant().Matches(source).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(codes);
        foreach (var code in codes)
        {
            Assert.Matches(new Regex($"^ +{code}( |$)", RegexOptions.Multiline), status); // a short tag shares its line
        }
    }

    [Fact]
    public async Task Man_ListsEveryEnvironmentVariableTheCodeReads()
    {
        var rendered = await RenderAsync(await PageAsync());
        var environment = rendered[rendered.IndexOf("ENVIRONMENT", StringComparison.Ordinal)..];
        var read = new[] { "Nvsdk.Core", "Nvsdk.Cli" }
            .SelectMany(project => Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src", project), "*.cs", SearchOption.AllDirectories))
            .SelectMany(file => EnvironmentRead().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        Assert.Contains("NVSDK_ROOT", read);
        Assert.Contains("R2_BUCKET", read);
        foreach (var name in read)
        {
            Assert.Matches(new Regex($"^ +{name}( |$)", RegexOptions.Multiline), environment);
        }
    }

    /// <summary>Every command path, read from the real `--help` output recursively (not from the page's generator).</summary>
    private static async Task<List<string[]>> CommandsAsync(string[] path)
    {
        var help = await Nvsdk.RunAsync([.. path, "--help"]);
        Assert.True(help.ExitCode == 0, help.ToString());
        var section = help.Stdout.Split("Commands:", 2) is [_, var rest] ? rest : string.Empty;
        var found = new List<string[]>();
        foreach (Match line in HelpCommandLine().Matches(section))
        {
            string[] command = [.. path, line.Groups[1].Value];
            found.Add(command);
            found.AddRange(await CommandsAsync(command));
        }

        return found;
    }

    [GeneratedRegex(@"const int \w+ = (\d+);")]
    private static partial Regex ExitCodeConstant();

    [GeneratedRegex(@"(?:GetEnvironmentVariable|\benv)\(""([A-Z][A-Z0-9_]+)""\)")]
    private static partial Regex EnvironmentRead();

    [GeneratedRegex(@"^  (?:-\w, )?(--[a-z0-9-]+)", RegexOptions.Multiline)]
    private static partial Regex HelpOption();

    [GeneratedRegex(@"^  ([a-z][a-z0-9-]*)\b", RegexOptions.Multiline)]
    private static partial Regex HelpCommandLine();

    private sealed class SequenceComparer : IEqualityComparer<string[]>
    {
        public bool Equals(string[]? x, string[]? y) => x is not null && y is not null && x.SequenceEqual(y);

        public int GetHashCode(string[] obj) => obj.Length;
    }
}
