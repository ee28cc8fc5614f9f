using Nvsdk.Testing;

namespace Nvsdk.Cli.Tests;

/// <summary>
/// `nvsdk completion bash|zsh|fish`, loaded into the real shells: each must offer the commands, options and
/// values the running command tree has (so a verb added anywhere completes without editing a script).
/// </summary>
public sealed class CompletionCommandTests : IDisposable
{
    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    private async Task<string> ScriptAsync(string shell)
    {
        var result = await Nvsdk.RunAsync("completion", shell);
        Assert.True(result.ExitCode == 0, result.ToString());
        var path = temp.Combine($"nvsdk.{shell}");
        await File.WriteAllTextAsync(path, result.Stdout);
        return path;
    }

    /// <summary>Runs bash's completion function as bash would for the words typed, the last one under the cursor.</summary>
    private async Task<string[]> BashCompleteAsync(string script, params string[] words)
    {
        var array = string.Join(' ', words.Select(w => $"'{w}'"));
        var result = await ProcessRunner.RunAsync(ProcessRunner.Require("bash", "bash"), ["-c",
            $"source '{script}' && COMP_WORDS=(nvsdk {array}) && COMP_CWORD={words.Length} && _nvsdk && printf '%s\\n' \"${{COMPREPLY[@]}}\""]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task Bash_OffersSubcommandsOptionsAndValues_FromTheCommandTree()
    {
        var script = await ScriptAsync("bash");
        Assert.Equal(["host"], await BashCompleteAsync(script, "ho"));
        Assert.Equal(["plan"], await BashCompleteAsync(script, "--root", "/tmp/x", "host", "pl"));
        Assert.Equal(["aarch64-linux", "x86_64-linux"], (await BashCompleteAsync(script, "fetch", "--system", "")).Order(StringComparer.Ordinal));
        Assert.Contains("--all-systems", await BashCompleteAsync(script, "check", "--"));
        Assert.Equal(["bash", "fish", "zsh"], (await BashCompleteAsync(script, "completion", "")).Order(StringComparer.Ordinal));
        var verbs = await BashCompleteAsync(script, "");
        Assert.Contains("completion", verbs);
        Assert.Contains("man", verbs);
    }

    [Fact]
    public async Task Bash_RegistersTheCompletionForNvsdk()
    {
        var script = await ScriptAsync("bash");
        var result = await ProcessRunner.RunAsync("bash", ["-c", $"source '{script}' && complete -p nvsdk"]);
        Assert.Equal("complete -F _nvsdk nvsdk", result.Stdout.Trim());
    }

    [Fact]
    public async Task Zsh_LoadsAfterCompinit_AndWalksToTheRightCommand()
    {
        var script = await ScriptAsync("zsh");
        var zsh = ProcessRunner.Require("zsh", "zsh");
        Assert.Equal(0, (await ProcessRunner.RunAsync(zsh, ["-n", script])).ExitCode);
        // compdef registers _nvsdk; the walk (shared with bash) must behave the same under zsh's rules.
        var result = await ProcessRunner.RunAsync(zsh, ["-fc",
            $"autoload -U compinit && compinit -u -D && source '{script}' && print -r -- $_comps[nvsdk] && _nvsdk_walk --root /x host && print -r -- \"$cmdpath|$subs\" && _nvsdk_walk fetch -s && print -r -- \"$cmdpath|$skip\""]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["_nvsdk", "nvsdk host|plan apply rollback status cdi-spec", "nvsdk fetch|1"], result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Fish_CompletesCommandsOptionsAndValues()
    {
        var script = await ScriptAsync("fish");
        var fish = ProcessRunner.Require("fish", "fish");
        async Task<string[]> Complete(string line)
        {
            var result = await ProcessRunner.RunAsync(fish, ["--no-config", "-c", $"source '{script}'; complete -C '{line}'"]);
            Assert.True(result.ExitCode == 0, result.ToString());
            return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')[0]).ToArray();
        }

        Assert.Equal(["plan"], await Complete("nvsdk host pl"));
        Assert.Equal(["aarch64-linux", "x86_64-linux"], (await Complete("nvsdk fetch --system ")).Order(StringComparer.Ordinal));
        Assert.Equal(["--json"], await Complete("nvsdk store verify --js"));
    }

    [Fact]
    public async Task Completion_UnknownShell_FailsWithUsageExit()
    {
        var result = await Nvsdk.RunAsync("completion", "tcsh");
        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.Stdout);
    }
}
