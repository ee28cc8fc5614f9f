using System.Text.Json.Nodes;
using Nvsdk.Testing;
using Nvsdk.Testing.Oci;

namespace Nvsdk.Cli.Tests;

/// <summary>
/// The binary cache end to end through the real binary: keygen, push the trees of one root to a real
/// docker-registry, then a fresh root installs from the cache without a single request to the mirror
/// (nginx's access log), refuses entries signed by a key it does not trust, and ignores caches with --no-cache.
/// </summary>
[Trait("Lane", "NonRoot")]
public sealed class CacheCommandTests(CacheFixture fixture) : IClassFixture<CacheFixture>
{
    [SkippableFact]
    public async Task Install_FromTheCache_TouchesNoMirror_AndVerifies()
    {
        var cache = fixture.RequireCache();
        using var temp = new TempDir("nvsdk-cache-cli-");
        var root = temp.Combine("fresh");
        (await Nvsdk.RunAsync("cache", "use", cache, "--trusted-key", fixture.PublicKey, "--root", root)).Ok();
        var before = fixture.Server.Nginx.ReadAccessLog().Count;

        var install = await Nvsdk.RunAsync("install", "--lock", fixture.Lock, "--root", root, "--json");

        install.Ok();
        var json = JsonNode.Parse(install.Stdout)!;
        Assert.Equal(fixture.Server.Artifacts.Count(a => a.Systems.Contains(global::Nvsdk.Core.Primitives.SystemId.X86_64Linux)), (int)json["fromCache"]!);
        Assert.Equal(0, (int)json["downloaded"]!);
        Assert.Equal(before, fixture.Server.Nginx.ReadAccessLog().Count);
        (await Nvsdk.RunAsync("store", "verify", "--root", root)).Ok();
        var env = await Nvsdk.RunAsync("env", "--root", root, "--json");
        env.Ok();
    }

    [SkippableFact]
    public async Task Install_CacheSignedByAnUntrustedKey_IsRefusedLoudly_AndBuiltFromSource()
    {
        var cache = fixture.RequireCache();
        using var temp = new TempDir("nvsdk-cache-cli-");
        (await Nvsdk.RunAsync("cache", "keygen", "stranger-1", "--out", temp.Path)).Ok();
        var root = temp.Combine("fresh");
        (await Nvsdk.RunAsync("cache", "use", cache, "--trusted-key", temp.Combine("stranger-1.pub"), "--root", root)).Ok();

        var install = await Nvsdk.RunAsync("install", "--lock", fixture.Lock, "--root", root);

        install.Ok();
        Assert.Contains("signed by ci-1, which is not a trusted key", install.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("from the binary cache", install.Stdout, StringComparison.Ordinal);
        Assert.Contains("installed generation 1", install.Stdout, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task CachePull_UntrustedKey_RegistersNothing()
    {
        var cache = fixture.RequireCache();
        using var temp = new TempDir("nvsdk-cache-cli-");
        (await Nvsdk.RunAsync("cache", "keygen", "stranger-2", "--out", temp.Path)).Ok();
        var root = temp.Combine("fresh");

        var pull = await Nvsdk.RunAsync("cache", "pull", cache, "--lock", fixture.Lock, "--trusted-key", temp.Combine("stranger-2.pub"), "--root", root);

        Assert.NotEqual(0, pull.ExitCode);
        Assert.Contains("not a trusted key", pull.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(root, "db")) && Directory.EnumerateFiles(Path.Combine(root, "db"), "*.json").Any());
    }

    [SkippableFact]
    public async Task Install_NoCache_FetchesFromTheMirror()
    {
        var cache = fixture.RequireCache();
        using var temp = new TempDir("nvsdk-cache-cli-");
        var root = temp.Combine("fresh");
        (await Nvsdk.RunAsync("cache", "use", cache, "--trusted-key", fixture.PublicKey, "--root", root)).Ok();

        var install = await Nvsdk.RunAsync("install", "--lock", fixture.Lock, "--root", root, "--no-cache", "--json");

        install.Ok();
        var json = JsonNode.Parse(install.Stdout)!;
        Assert.Equal(0, (int)json["fromCache"]!);
        Assert.True((int)json["downloaded"]! > 0);
    }

    [Fact]
    public async Task Install_CacheUnreachable_FallsBackToTheMirror()
    {
        using var temp = new TempDir("nvsdk-cache-cli-");
        var root = temp.Combine("fresh");
        (await Nvsdk.RunAsync("cache", "keygen", "any-1", "--out", temp.Path)).Ok();
        (await Nvsdk.RunAsync("cache", "use", $"127.0.0.1:{LoopbackProcess.FreePort()}/gone", "--trusted-key", temp.Combine("any-1.pub"), "--root", root)).Ok();

        var install = await Nvsdk.RunAsync("install", "--lock", fixture.Lock, "--root", root, "--retries", "1");

        install.Ok();
        Assert.Contains("is unreachable, not asking it again", install.Stderr, StringComparison.Ordinal);
        Assert.Contains("installed generation 1", install.Stdout, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task CachePush_Twice_UploadsNothingTheSecondTime()
    {
        var cache = fixture.RequireCache();

        var again = await Nvsdk.RunAsync("cache", "push", cache, "--key", fixture.SecretKey, "--root", fixture.SourceRoot, "--json");

        again.Ok();
        Assert.All(JsonNode.Parse(again.Stdout)!["entries"]!.AsArray(), e => Assert.Equal("present", (string?)e!["action"]));
    }

    [Fact]
    public async Task CachePush_WithoutAKey_IsOneClearError()
    {
        var push = await Nvsdk.RunAsync("cache", "push", "127.0.0.1:1/none", "--root", "/nonexistent-nvsdk-root");

        Assert.Equal(2, push.ExitCode);
        Assert.Contains("no signing key; pass --key FILE.sec", push.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", push.Stderr, StringComparison.Ordinal);
    }
}

internal static class ProcessResultExtensions
{
    /// <summary>Fails the test with the command's whole output when it did not exit 0.</summary>
    public static ProcessResult Ok(this ProcessResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}

/// <summary>Fixture archives on nginx, a docker-registry, a key pair, and one root whose trees were pushed.</summary>
public sealed class CacheFixture : IAsyncLifetime
{
    private readonly TempDir temp = new("nvsdk-cache-fixture-");
    private DockerRegistryServer? registry;

    public FixtureServer Server { get; } = new();

    public string Lock => temp.Combine("fixture.lock.json");

    public string SourceRoot => temp.Combine("source");

    public string SecretKey => temp.Combine("ci-1.sec");

    public string PublicKey => temp.Combine("ci-1.pub");

    /// <summary>The registry's host:port, for putting a throttling proxy in front of it.</summary>
    public string RegistryHost => registry?.Host ?? throw new InvalidOperationException("no registry");

    public string RequireCache()
    {
        CiTools.SkipIf(registry is null, DockerRegistryServer.MissingReason);
        return $"{registry!.Host}/nvsdk-cache";
    }

    public async Task InitializeAsync()
    {
        await Server.InitializeAsync();
        Server.WriteLock(Lock, "mirror", "upstream");
        if (DockerRegistryServer.Executable is null)
        {
            return;
        }

        registry = await DockerRegistryServer.StartAsync();
        (await Nvsdk.RunAsync("install", "--lock", Lock, "--root", SourceRoot)).Ok();
        (await Nvsdk.RunAsync("cache", "keygen", "ci-1", "--out", temp.Path)).Ok();
        (await Nvsdk.RunAsync("cache", "push", RequireCache(), "--key", SecretKey, "--root", SourceRoot)).Ok();
    }

    public async Task DisposeAsync()
    {
        registry?.Dispose();
        await Server.DisposeAsync();
        temp.Dispose();
    }
}
