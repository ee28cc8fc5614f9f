using System.Text.Json;
using Nvsdk.Testing;

namespace Nvsdk.Cli.Tests;

/// <summary>
/// The CLI's manners, verb by verb: a typo, an unknown option, a value of the wrong type, a missing file and a folder
/// where a file belongs each get one line in the user's words (naming the word and, where one is close, the fix),
/// exit 2, nothing written; with --json the same error is a JSON document on stdout.
/// </summary>
public sealed class MannersTests : IDisposable
{
    private const string Missing = "{missing}";
    private const string Folder = "{folder}";
    private const string NotJson = "{readme}";

    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    public static TheoryData<string, int, string> Cases => new()
    {
        // typos of verbs, with the suggestion
        { "instal", 2, "did you mean 'install'?" },
        { "fecth", 2, "did you mean 'fetch'?" },
        { "docter", 2, "did you mean 'doctor'?" },
        { "stauts", 2, "did you mean 'status'?" },
        { "store verfy", 2, "did you mean 'verify'?" },
        { "host aply", 2, "did you mean 'apply'?" },
        { "generations swtich 1", 2, "did you mean 'switch'?" },
        { "frobnicate", 2, "'frobnicate' is not a nvsdk command" },
        { "store", 2, "'nvsdk store' needs a command: list, verify, gc" },

        // unknown options, including one a positional argument would have swallowed
        { "install --dry-run", 2, "'nvsdk install' has no option '--dry-run'" },
        { "fetch --jobz 3", 2, "did you mean '--jobs'?" },
        { "plan --sytem x86_64-linux", 2, "did you mean '--system'?" },
        { "check --al-systems", 2, "did you mean '--all-systems'?" },
        { "doctor --frobnicate", 2, "'nvsdk doctor' has no option '--frobnicate'" },
        { "host plan --rooot /x", 2, "did you mean '--root'?" },
        { "update --dryrun", 2, "did you mean '--dry-run'?" },

        // values of the wrong type
        { "fetch -j abc", 2, "--jobs: 'abc' is not a whole number" },
        { "install --timeout soon", 2, "--timeout: 'soon' is not a number" },
        { "top -n fast", 2, "--interval: 'fast' is not a number" },
        { "install --root ", 2, "--root was given an empty folder name" },

        // missing files and folders for files
        { $"check --lock {Missing}", 2, "no such file" },
        { $"check --lock {Folder}", 2, "is a folder, not a lock file" },
        { $"plan --lock {Folder}", 2, "is a folder, not a lock file" },
        { $"install --lock {Missing}", 2, "no such file" },
        { $"update --dry-run --lock {Folder}", 2, "is a folder, not a lock file" },
        { $"doctor --from-snapshot {NotJson}", 2, "is not a host snapshot: not valid JSON at line 1" },
        { $"doctor --from-snapshot {Folder}", 2, "is a folder, not a host snapshot" },
        { $"status --from-snapshot {Missing}", 2, "no such file" },
        { "update --dry-run -c nosuch", 2, "unknown component 'nosuch'" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Mistake_Text_OneLineExitCodeAndNoTrace(string line, int exit, string says)
    {
        var result = await Nvsdk.RunAsync(Args(line));
        Assert.True(result.ExitCode == exit, result.ToString());
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length is 1 or 2, result.ToString()); // the error, and at most a hint
        Assert.StartsWith("nvsdk: error: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(says, result.Stderr, StringComparison.Ordinal);
        foreach (var internals in new[] { "   at ", "System.", "Exception", "Required command was not provided", "BytePositionInLine" })
        {
            Assert.DoesNotContain(internals, result.Stderr, StringComparison.Ordinal);
        }

        Assert.Empty(result.Stdout);
        Assert.False(Directory.Exists(temp.Combine("root")), "a refused request must not create the store");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Mistake_Json_IsStillOneJsonDocument(string line, int exit, string says)
    {
        var args = Args(line);
        var dash = Array.IndexOf(args, "--");
        string[] withJson = dash < 0 ? [.. args, "--json"] : [.. args[..dash], "--json", .. args[dash..]];
        var result = await Nvsdk.RunAsync(withJson);
        Assert.True(result.ExitCode == exit, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        var error = json.RootElement.GetProperty("error");
        Assert.Equal("InvalidInput", error.GetProperty("code").GetString());
        Assert.Equal(exit, error.GetProperty("exitCode").GetInt32());
        Assert.Contains(says, error.GetProperty("message").GetString() + " " + error.GetProperty("hint").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoArguments_PrintsHelpAndExitsTwo()
    {
        var result = await Nvsdk.RunAsync();
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("install", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("status")]
    [InlineData("top")]
    [InlineData("smoke")]
    public async Task GpuVerb_NoGpu_OneLineAndExitOne(string verb)
    {
        Skip.If(File.Exists("/dev/nvidiactl"), "this machine has a GPU");
        var result = await Nvsdk.RunAsync(verb, "--root", temp.Combine("root"));
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.StartsWith("nvsdk: error: ", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_ApostropheInAPath_IsNotEscaped()
    {
        var folder = temp.Combine("it's");
        var result = await Nvsdk.RunAsync("check", "--lock", folder, "--json");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("it's", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u0027", result.Stdout, StringComparison.Ordinal);
    }

    /// <summary>Splits a case's line into words, putting this test's real paths in for the placeholders.</summary>
    private string[] Args(string line)
    {
        Directory.CreateDirectory(temp.Combine("a-folder"));
        var words = line.Split(' ').Select(w => w switch
        {
            Missing => temp.Combine("no-such-file.json"),
            Folder => temp.Combine("a-folder"),
            NotJson => Path.Combine(RepoPaths.Root, "README.md"),
            _ => w,
        }).ToList();

        // Verbs that read the lock get the shipped one unless the case names its own; every store goes to a temp root.
        if (!words.Contains("--lock") && words[0] is "update" or "plan" or "install" or "fetch")
        {
            words.AddRange(["--lock", RepoPaths.ShippedLock]);
        }

        if (words[0] is "install" or "fetch" && !words.Contains("--root"))
        {
            words.AddRange(["--root", temp.Combine("root")]);
        }

        return [.. words];
    }
}
