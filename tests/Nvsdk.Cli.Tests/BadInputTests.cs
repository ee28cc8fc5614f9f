using System.Text.Json.Nodes;
using Nvsdk.Testing;

namespace Nvsdk.Cli.Tests;

/// <summary>Every user mistake: one clear line naming the thing and the fix, a non-zero exit, nothing written.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly TempDir temp = new();

    private string Root => temp.Combine("root");

    public void Dispose() => temp.Dispose();

    private string LockWith(Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(File.ReadAllText(CheckCommandTests.ShippedLock))!.AsObject();
        edit(json);
        var path = temp.Combine("lock.json");
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }

    private static JsonObject FirstArtifact(JsonObject lockJson) =>
        lockJson["components"]![1]!["artifacts"]![0]!.AsObject();

    private void AssertOneClearLine(ProcessResult result, int exitCode, params string[] mentions)
    {
        Assert.True(result.ExitCode == exitCode, result.ToString());
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length is 1 or 2, result.ToString()); // the error, and at most a hint
        Assert.StartsWith("nvsdk: error: ", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        foreach (var m in mentions)
        {
            Assert.Contains(m, result.Stderr, StringComparison.Ordinal);
        }

        Assert.False(Directory.Exists(Root), "a failed request must not create the store");
    }

    [Fact]
    public async Task Fetch_MalformedJson_NamesFileAndLine()
    {
        var path = temp.Combine("lock.json");
        await File.WriteAllTextAsync(path, "{ \"lockVersion\": 1,\n  \"sdk\": { ");
        AssertOneClearLine(await Nvsdk.RunAsync("fetch", "--lock", path, "--root", Root), 2, path, "line 2");
    }

    [Fact]
    public async Task Fetch_MissingLockFile_SaysSo()
    {
        AssertOneClearLine(await Nvsdk.RunAsync("fetch", "--lock", temp.Combine("nope.json"), "--root", Root), 2, "nope.json", "--lock");
    }

    [Fact]
    public async Task Fetch_SystemNotInLock_NamesTheSystem()
    {
        var path = LockWith(j => j["systems"] = new JsonArray("x86_64-linux"));
        AssertOneClearLine(await Nvsdk.RunAsync("fetch", "--lock", path, "--root", Root, "--system", "aarch64-linux"), 2, "aarch64-linux", "--system");
    }

    [Fact]
    public async Task Fetch_UnknownSystemName_ListsTheValidOnes()
    {
        AssertOneClearLine(await Nvsdk.RunAsync("fetch", "--lock", CheckCommandTests.ShippedLock, "--root", Root, "--system", "ppc64le-linux"), 2, "ppc64le-linux", "x86_64-linux");
    }

    [Fact]
    public async Task Fetch_BadDigest_NamesTheJsonPath()
    {
        var path = LockWith(j => FirstArtifact(j)["sha256"] = "abc123");
        AssertOneClearLine(await Nvsdk.RunAsync("fetch", "--lock", path, "--root", Root), 2, "$.components[1].artifacts[0].sha256", "hex");
    }

    [Fact]
    public async Task Fetch_SriDigest_SaysToWriteHex()
    {
        var path = LockWith(j => FirstArtifact(j)["sha256"] = "sha256-RV8VB1STyC1aiFCq5hILP6b25Ffzv1bBy+Kgphi1tQ4=");
        AssertOneClearLine(await Nvsdk.RunAsync("fetch", "--lock", path, "--root", Root), 2, "SRI");
    }

    [Fact]
    public async Task Fetch_UnknownComponent_ListsTheKnownOnes()
    {
        AssertOneClearLine(await Nvsdk.RunAsync("fetch", "cudaa", "--lock", CheckCommandTests.ShippedLock, "--root", Root), 2, "'cudaa'", "cudnn");
    }

    [Fact]
    public async Task Fetch_UnpinnedComponentByName_RefusedWithTheFlagToUse()
    {
        AssertOneClearLine(await Nvsdk.RunAsync("fetch", "cutlass", "--lock", CheckCommandTests.ShippedLock, "--root", Root), 2, "cutlass", "--allow-unpinned");
    }

    [Fact]
    public async Task Fetch_UnwritableRoot_SaysWhichAndHowToFix()
    {
        var file = temp.Combine("a-file");
        await File.WriteAllTextAsync(file, "x");
        var result = await Nvsdk.RunAsync("fetch", "cudnn", "--lock", CheckCommandTests.ShippedLock, "--root", Path.Combine(file, "root"));
        AssertOneClearLine(result, 2, "--root");
        Assert.Equal("x", await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task Fetch_BadOptionValue_OneLine()
    {
        AssertOneClearLine(await Nvsdk.RunAsync("fetch", "--jobs", "many", "--lock", CheckCommandTests.ShippedLock, "--root", Root), 2, "--jobs", "'many' is not a whole number");
    }

    [Fact]
    public async Task Check_BrokenLock_ListsEveryProblemAndExits1()
    {
        var path = LockWith(j =>
        {
            FirstArtifact(j)["sha256"] = "xyz";
            j["components"]![0]!["bogus"] = true;
        });
        var check = await Nvsdk.RunAsync("check", "--all-systems", "--lock", path);
        Assert.Equal(1, check.ExitCode);
        Assert.Contains("error[digest]", check.Stdout, StringComparison.Ordinal);
        Assert.Contains("error[unknown-key]", check.Stdout, StringComparison.Ordinal);
        Assert.Contains("check failed", check.Stdout, StringComparison.Ordinal);
    }
}
