using System.Text.Json;
using Nvsdk.Testing;

namespace Nvsdk.Cli.Tests;

public sealed class CheckCommandTests(FixtureServer fixtures) : IClassFixture<FixtureServer>, IDisposable
{
    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    internal static string ShippedLock => RepoPaths.ShippedLock;

    [Fact]
    public async Task CheckAllSystems_ShippedLock_PassesAndReportsUnpinned()
    {
        var check = await Nvsdk.RunAsync("check", "--all-systems", "--lock", ShippedLock, "--json");
        Assert.True(check.ExitCode == 0, check.ToString());
        using var json = JsonDocument.Parse(check.Stdout);
        Assert.True(json.RootElement.GetProperty("passed").GetBoolean());
        var unpinned = json.RootElement.GetProperty("unpinned").EnumerateArray().Select(u => u.GetProperty("component").GetString()).ToList();
        Assert.Equal(["cutlass", "tritonserver"], unpinned);
        Assert.Contains(json.RootElement.GetProperty("diagnostics").EnumerateArray(), d => d.GetProperty("code").GetString() == "cuda-major");
    }

    [Fact]
    public async Task CheckAllSystems_FixtureLock_Passes()
    {
        var lockFile = fixtures.WriteLock(temp.Combine("lock.json"), "mirror", "upstream");
        var check = await Nvsdk.RunAsync("check", "--all-systems", "--lock", lockFile);
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Contains("check passed", check.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckFull_FixtureLock_DownloadsAndVerifiesEverything()
    {
        var lockFile = fixtures.WriteLock(temp.Combine("lock.json"), "mirror", "upstream");
        var check = await Nvsdk.RunAsync("check", "--full", "--all-systems", "--lock", lockFile, "--json");
        Assert.True(check.ExitCode == 0, check.ToString());
        using var json = JsonDocument.Parse(check.Stdout);
        var full = json.RootElement.GetProperty("full").EnumerateArray().ToList();
        Assert.Equal(fixtures.Artifacts.Count, full.Count);
        Assert.All(full, r => Assert.True(r.GetProperty("ok").GetBoolean()));
    }

    [Fact]
    public async Task CheckFull_ShippedLockWithoutNetwork_FailsNamingTheHost()
    {
        var check = await Nvsdk.RunAsync("check", "--full", "--lock", ShippedLock, "--system", "x86_64-linux");
        Assert.Equal(1, check.ExitCode);
        Assert.Contains("developer.download.nvidia.com", check.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", check.Stdout + check.Stderr, StringComparison.Ordinal);
    }
}
