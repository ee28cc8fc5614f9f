using Nvsdk.Testing;
using Xunit.Abstractions;

namespace Nvsdk.Cli.Tests;

/// <summary>
/// Ctrl-C and SIGTERM in the middle of long verbs, against nginx's rate-limited /slow/ location: the exit code a
/// shell expects (130, 143), one line on stderr and no stack trace, the store still verifies, and a re-run
/// finishes the job. An interrupted `update` leaves the lock byte for byte.
/// </summary>
[Trait("Lane", "NonRoot")]
public sealed class SignalTests(FixtureServer fixtures, ITestOutputHelper output) : IClassFixture<FixtureServer>, IDisposable
{
    private readonly TempDir temp = new();

    private string Root => temp.Combine("root");

    public void Dispose() => temp.Dispose();

    public static TheoryData<string, string> VerbsAndSignals => new()
    {
        { "fetch", "INT" },
        { "fetch", "TERM" },
        { "install", "INT" },
        { "install", "TERM" },
    };

    [Theory]
    [MemberData(nameof(VerbsAndSignals))]
    public async Task LongVerb_SignalledMidway_StopsCleanlyAndReRunCompletes(string verb, string signal)
    {
        var lockFile = fixtures.WriteLock(temp.Combine("lock.json"), "slow", "upstream");
        string[] args = [verb, "--lock", lockFile, "--root", Root, "--system", "x86_64-linux", "--allow-unpinned", "--jobs", "2"];
        var random = new Random(HashCode.Combine(verb, signal) & 0x7fffffff);
        var interrupted = 0;
        for (var round = 0; round < 3; round++)
        {
            var (exit, stderr, midway) = await RunAndSignalAsync(args, signal, random.Next(400, 1500));
            if (!midway)
            {
                continue; // finished before the signal: nothing to judge this round
            }

            interrupted++;
            AssertStoppedBySignal(exit, stderr, signal);
            var verify = await Nvsdk.RunAsync("store", "verify", "--root", Root);
            Assert.True(verify.ExitCode == 0, $"round {round}: {verify}");
            if (round < 2 && verb == "install")
            {
                Assert.Equal(0, (await Nvsdk.RunAsync("store", "gc", "--root", Root)).ExitCode); // keep work for the next round
            }
        }

        Assert.True(interrupted > 0, "no round was interrupted mid-way: the test tested nothing");
        var rerun = await Nvsdk.RunAsync(args);
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        var after = await Nvsdk.RunAsync("store", "verify", "--root", Root);
        Assert.True(after.ExitCode == 0, after.ToString());
        output.WriteLine($"{verb} SIG{signal}: {interrupted} of 3 rounds interrupted mid-way");
    }

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task Update_SignalledMidway_LeavesTheLockByteForByte(string signal)
    {
        using var sources = await UpdateSourcesServer.StartSlowAsync();
        var lockPath = temp.Combine("lock.json");
        File.Copy(RepoPaths.RunfileLock, lockPath); // the runfile form hashes its runfiles by download: long enough to signal
        var before = await File.ReadAllBytesAsync(lockPath);
        var (exit, stderr, midway) = await RunAndSignalAsync(["update", "--lock", lockPath, .. sources.Bases(location: "slow"), "--component", "cuda", "tensorrt", "cutlass"], signal, 1200);
        Assert.True(midway, $"update finished before the signal (exit {exit}): {stderr}");
        AssertStoppedBySignal(exit, stderr, signal);
        Assert.Equal(before, await File.ReadAllBytesAsync(lockPath));
        Assert.DoesNotContain(Directory.GetFiles(temp.Path), f => Path.GetFileName(f).StartsWith("lock.json.", StringComparison.Ordinal)); // no temp file beside it
    }

    /// <summary>Starts nvsdk, signals it after <paramref name="delayMs"/> if it still runs, and waits for it.</summary>
    internal static async Task<(int Exit, string Stderr, bool Midway)> RunAndSignalAsync(string[] args, string signal, int delayMs)
    {
        using var process = Nvsdk.Start(args);
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await Task.Delay(delayMs);
        var midway = !process.HasExited;
        if (midway)
        {
            await Nvsdk.SignalAsync(process, signal);
        }

        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(limit.Token); // a stop must not take long: the test fails on a hang
        await stdout;
        return (process.ExitCode, await stderr, midway);
    }

    internal static void AssertStoppedBySignal(int exit, string stderr, string signal)
    {
        Assert.True(exit == (signal == "INT" ? 130 : 143), $"exit {exit}\n{stderr}");
        Assert.DoesNotContain("Unhandled exception", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        var errors = stderr.Split('\n').Where(l => l.StartsWith("nvsdk: ", StringComparison.Ordinal)).ToList();
        var line = Assert.Single(errors);
        Assert.Contains($"interrupted by SIG{signal}", line, StringComparison.Ordinal);
    }
}

/// <summary>`cache pull` stopped mid-blob by SIGINT/SIGTERM, through nginx trickling the registry's responses.</summary>
[Trait("Lane", "NonRoot")]
public sealed class CachePullSignalTests(CacheFixture fixture) : IClassFixture<CacheFixture>, IDisposable
{
    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData("INT", 130)]
    [InlineData("TERM", 143)]
    public async Task CachePull_SignalledMidway_StopsCleanlyAndReRunCompletes(string signal, int exit)
    {
        fixture.RequireCache();
        // 8 KiB/s: each ~260 KiB blob takes half a minute through the proxy, so the signal lands mid-blob.
        using var slow = await NginxServer.StartAsync(temp.Path, slowBytesPerSecond: 8 * 1024, slowRegistry: fixture.RegistryHost);
        var root = temp.Combine("root");
        string[] Pull(string cache) => ["cache", "pull", cache, "--lock", fixture.Lock, "--trusted-key", fixture.PublicKey, "--root", root];
        var pull = Pull($"127.0.0.1:{slow.Port}/nvsdk-cache");
        var (code, stderr, midway) = await SignalTests.RunAndSignalAsync(pull, signal, 1500);
        Assert.True(midway, $"cache pull finished before the signal (exit {code}): {stderr}");
        SignalTests.AssertStoppedBySignal(code, stderr, signal);
        Assert.Equal(exit, code);
        var verify = await Nvsdk.RunAsync("store", "verify", "--root", root);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        var again = await Nvsdk.RunAsync(Pull(fixture.RequireCache())); // straight from the registry, at full speed
        Assert.True(again.ExitCode == 0, again.ToString());
    }
}

/// <summary>`image pull` stopped mid-layer by SIGINT/SIGTERM, through nginx trickling the registry's responses.</summary>
[Trait("Lane", "NonRoot")]
public sealed class ImagePullSignalTests(CacheFixture fixture) : IClassFixture<CacheFixture>, IDisposable
{
    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData("INT", 130)]
    [InlineData("TERM", 143)]
    public async Task ImagePull_SignalledMidway_StopsCleanlyAndReRunCompletes(string signal, int exit)
    {
        fixture.RequireCache();
        // One uncompressed 512 KiB layer, pushed with the registry's own API: about a minute at 8 KiB/s.
        var layout = new Testing.Oci.OciLayoutBuilder(temp.Combine("layout"));
        var image = layout.AddImage(new Testing.Oci.OciImageSpec([
            new([Testing.Oci.LayerEntry.Directory("opt/"), Testing.Oci.LayerEntry.RandomFile("opt/blob", 512 * 1024, seed: 7)]) { Compression = Testing.Oci.LayerCompression.None },
        ]));
        using (var http = new HttpClient { BaseAddress = new Uri($"http://{fixture.RegistryHost}/") })
        {
            await Testing.Oci.RegistryPush.ImageAsync(http, layout, "nvsdk/signal", image, "v1");
        }

        using var slow = await NginxServer.StartAsync(temp.Path, slowBytesPerSecond: 8 * 1024, slowRegistry: fixture.RegistryHost);
        var root = temp.Combine("root");
        var (code, stderr, midway) = await SignalTests.RunAndSignalAsync(["image", "pull", $"127.0.0.1:{slow.Port}/nvsdk/signal:v1", "--root", root], signal, 1500);
        Assert.True(midway, $"image pull finished before the signal (exit {code}): {stderr}");
        SignalTests.AssertStoppedBySignal(code, stderr, signal);
        Assert.Equal(exit, code);
        var verify = await Nvsdk.RunAsync("store", "verify", "--root", root);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        var again = await Nvsdk.RunAsync("image", "pull", $"{fixture.RegistryHost}/nvsdk/signal:v1", "--root", root);
        Assert.True(again.ExitCode == 0, again.ToString());
    }
}
