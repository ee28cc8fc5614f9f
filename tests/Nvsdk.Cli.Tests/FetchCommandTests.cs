using System.Text.Json;
using Nvsdk.Testing;

namespace Nvsdk.Cli.Tests;

/// <summary>`nvsdk fetch`, `plan` and `store` end to end: the real program against a real nginx.</summary>
[Trait("Lane", "NonRoot")]
public sealed class FetchCommandTests(FixtureServer fixtures) : IClassFixture<FixtureServer>, IDisposable
{
    private readonly TempDir temp = new();

    private string Root => temp.Combine("root");

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Fetch_MirrorMissing_FallsBackToUpstreamAndVerifies()
    {
        var lockFile = fixtures.WriteLock(temp.Combine("lock.json"), "missing", "upstream");
        var fetch = await Nvsdk.RunAsync("fetch", "--lock", lockFile, "--root", Root, "--system", "x86_64-linux");
        Assert.True(fetch.ExitCode == 0, fetch.ToString());
        Assert.Contains("fetch complete: 9 downloaded", fetch.Stdout, StringComparison.Ordinal); // 4 CUDA packages + 5 others

        var log = fixtures.Nginx.ReadAccessLog();
        Assert.Contains(log, l => l.Path.StartsWith("/missing/cudnn-linux-x86_64", StringComparison.Ordinal) && l.Status == 404);
        Assert.Contains(log, l => l.Path.StartsWith("/upstream/cudnn-linux-x86_64", StringComparison.Ordinal) && l.Status == 200);

        var verify = await Nvsdk.RunAsync("store", "verify", "--root", Root);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("9 of 9 entries intact", verify.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_Repeated_IsANoOp()
    {
        var lockFile = fixtures.WriteLock(temp.Combine("lock.json"), "mirror", "upstream");
        Assert.Equal(0, (await Nvsdk.RunAsync("fetch", "cudnn", "nccl", "--lock", lockFile, "--root", Root)).ExitCode);
        var again = await Nvsdk.RunAsync("fetch", "cudnn", "nccl", "--lock", lockFile, "--root", Root, "--json");
        Assert.Equal(0, again.ExitCode);
        using var json = JsonDocument.Parse(again.Stdout);
        Assert.Equal(0, json.RootElement.GetProperty("downloaded").GetInt32());
        Assert.Equal(2, json.RootElement.GetProperty("alreadyPresent").GetInt32());
    }

    [Fact]
    public async Task Plan_AfterFetch_ShowsWhatIsInTheStore()
    {
        var lockFile = fixtures.WriteLock(temp.Combine("lock.json"), "mirror", "upstream");
        Assert.Equal(0, (await Nvsdk.RunAsync("fetch", "cudnn", "--lock", lockFile, "--root", Root, "--system", "aarch64-linux")).ExitCode);
        var plan = await Nvsdk.RunAsync("plan", "--lock", lockFile, "--root", Root, "--system", "aarch64-linux", "--json");
        Assert.True(plan.ExitCode == 0, plan.ToString());
        using var json = JsonDocument.Parse(plan.Stdout);
        var artifacts = json.RootElement.GetProperty("artifacts").EnumerateArray().ToList();
        Assert.Equal(9, artifacts.Count);
        Assert.Equal(["cudnn"], artifacts.Where(a => a.GetProperty("inStore").GetBoolean()).Select(a => a.GetProperty("component").GetString()));
        var sources = artifacts[0].GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("role").GetString()).ToList();
        Assert.Equal(["mirror", "upstream"], sources);
    }

    [Fact]
    public async Task Fetch_WrongPinnedDigest_FailsNamingUrlAndDigestsAndStoresNothing()
    {
        var cudnn = fixtures.Artifacts.First(a => a.Component == "cudnn");
        var lockFile = fixtures.WriteLock(temp.Combine("lock.json"), "mirror", "upstream", corrupt: new HashSet<string> { cudnn.FileName });
        var fetch = await Nvsdk.RunAsync("fetch", "cudnn", "--lock", lockFile, "--root", Root, "--system", "x86_64-linux");
        Assert.Equal(1, fetch.ExitCode);
        Assert.Contains($"/upstream/{cudnn.FileName}", fetch.Stderr, StringComparison.Ordinal);
        Assert.Contains(new string('0', 64), fetch.Stderr, StringComparison.Ordinal);
        Assert.Contains(cudnn.Sha256.Hex, fetch.Stderr, StringComparison.Ordinal);
        var list = await Nvsdk.RunAsync("store", "list", "--root", Root, "--json");
        using var json = JsonDocument.Parse(list.Stdout);
        Assert.Empty(json.RootElement.GetProperty("entries").EnumerateArray());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(Root, "downloads")));
    }

    [Fact]
    public async Task StoreGc_AfterFetch_RemovesUnrootedEntries()
    {
        var lockFile = fixtures.WriteLock(temp.Combine("lock.json"), "mirror", "upstream");
        Assert.Equal(0, (await Nvsdk.RunAsync("fetch", "nccl", "--lock", lockFile, "--root", Root)).ExitCode);
        var gc = await Nvsdk.RunAsync("store", "gc", "--root", Root, "--json");
        Assert.True(gc.ExitCode == 0, gc.ToString());
        using var json = JsonDocument.Parse(gc.Stdout);
        Assert.Single(json.RootElement.GetProperty("removed").EnumerateArray());
    }
}
