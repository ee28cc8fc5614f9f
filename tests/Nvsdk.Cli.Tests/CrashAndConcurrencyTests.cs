using Nvsdk.Testing;
using Xunit.Abstractions;

namespace Nvsdk.Cli.Tests;

/// <summary>
/// The install protocol under abuse: kill -9 at random moments, and 8 processes on one store at once.
/// Downloads go through nginx's rate-limited /slow/ location so the processes really overlap and die mid-stream.
/// </summary>
[Trait("Lane", "NonRoot")]
public sealed class CrashAndConcurrencyTests(FixtureServer fixtures, ITestOutputHelper output) : IClassFixture<FixtureServer>, IDisposable
{
    /// <summary>Rounds of kill -9; CI runs 20, the soak script sets NVSDK_KILL_ROUNDS=200.</summary>
    private static readonly int KillRounds = int.TryParse(Environment.GetEnvironmentVariable("NVSDK_KILL_ROUNDS"), out var n) ? n : 20;

    private readonly TempDir temp = new();

    private string Root => temp.Combine("root");

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Fetch_KilledAtRandomMoments_StoreStaysValidAndNextRunCompletes()
    {
        var lockFile = fixtures.WriteLock(temp.Combine("lock.json"), "missing", "slow");
        var killedMidway = await KillAtRandomMomentsAsync(seed: 42, ["fetch", "--lock", lockFile, "--root", Root, "--jobs", "3", "--system", "x86_64-linux"], async _ =>
        {
            // Once a round finishes the whole fetch, empty the store so the next round has work to be killed in.
            var all = fixtures.Artifacts.Count(a => a.Systems.Contains(Core.Primitives.SystemId.X86_64Linux));
            if ((await Nvsdk.RunAsync("store", "list", "--root", Root)).Stdout.Contains($"{all} entries", StringComparison.Ordinal))
            {
                Assert.Equal(0, (await Nvsdk.RunAsync("store", "gc", "--root", Root)).ExitCode);
            }
        });

        output.WriteLine($"{KillRounds} rounds, {killedMidway} killed mid-run");
        Assert.True(killedMidway >= KillRounds / 3, $"only {killedMidway} of {KillRounds} runs were killed mid-way: the test did not test much");

        var final = await Nvsdk.RunAsync("fetch", "--lock", lockFile, "--root", Root);
        Assert.True(final.ExitCode == 0, final.ToString());
        var after = await Nvsdk.RunAsync("store", "verify", "--root", Root);
        Assert.True(after.ExitCode == 0, after.ToString());
        var x86 = fixtures.Artifacts.Count(a => a.Systems.Contains(Core.Primitives.SystemId.X86_64Linux));
        Assert.Contains($"{x86} of {x86} entries intact", after.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_EightProcessesOneStore_EachArtifactDownloadedOnce()
    {
        var served = await EightAtOnceAsync("fetch");
        Assert.DoesNotContain(served, l => l.Path.StartsWith("/upstream/", StringComparison.Ordinal));
        var verify = await Nvsdk.RunAsync("store", "verify", "--root", Root);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        var x86 = fixtures.Artifacts.Count(a => a.Systems.Contains(Core.Primitives.SystemId.X86_64Linux));
        Assert.Contains($"{x86} of {x86} entries intact", verify.Stdout, StringComparison.Ordinal);
    }

    /// <summary>
    /// Install stages every tree and flushes once (DurabilityBatch): a kill at any moment must still leave only
    /// complete, registered entries or debris that the next run cleans, and the previous generation current.
    /// </summary>
    [Fact]
    public async Task Install_KilledAtRandomMoments_StoreStaysValidAndNextRunCompletes()
    {
        var lockFile = fixtures.WriteLock(temp.Combine("lock.json"), "missing", "slow");
        var killedMidway = await KillAtRandomMomentsAsync(seed: 7, ["install", "--lock", lockFile, "--root", Root, "--system", "x86_64-linux"], exitCode =>
        {
            if (exitCode == 0)
            {
                DeleteRoot(); // the next round needs work to be killed in
            }

            return Task.CompletedTask;
        });

        output.WriteLine($"{KillRounds} install rounds, {killedMidway} killed mid-run");
        Assert.True(killedMidway >= KillRounds / 3, $"only {killedMidway} of {KillRounds} runs were killed mid-way: the test did not test much");

        var final = await Nvsdk.RunAsync("install", "--lock", lockFile, "--root", Root, "--system", "x86_64-linux");
        Assert.True(final.ExitCode == 0, final.ToString());
        var after = await Nvsdk.RunAsync("store", "verify", "--root", Root, "--json");
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Contains("\"healthy\": true", after.Stdout, StringComparison.Ordinal);
    }

    /// <summary>Eight installs at once: staged entries hold their locks until the batch commits, and nobody deadlocks.</summary>
    [Fact]
    public async Task Install_EightProcessesOneStore_EachArtifactDownloadedOnce()
    {
        await EightAtOnceAsync("install");
        var verify = await Nvsdk.RunAsync("store", "verify", "--root", Root, "--json");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("\"healthy\": true", verify.Stdout, StringComparison.Ordinal);
    }

    /// <summary>
    /// Runs <paramref name="args"/> <see cref="KillRounds"/> times, SIGKILLed at a random moment, checking the store
    /// after each; <paramref name="afterRound"/> hears the exit code. Returns how many runs died mid-way.
    /// </summary>
    private async Task<int> KillAtRandomMomentsAsync(int seed, string[] args, Func<int, Task> afterRound)
    {
        var random = new Random(seed);
        var killedMidway = 0;
        for (var round = 0; round < KillRounds; round++)
        {
            using var process = Nvsdk.Start(args);
            await Task.Delay(random.Next(50, 1500));
            if (!process.HasExited)
            {
                process.Kill(); // SIGKILL: no cleanup code runs
                killedMidway++;
            }

            await process.WaitForExitAsync();
            if (process.ExitCode is not (0 or 137 or -1))
            {
                Assert.Fail($"round {round}: {args[0]} failed by itself (exit {process.ExitCode}): {await process.StandardError.ReadToEndAsync()}");
            }

            var verify = await Nvsdk.RunAsync("store", "verify", "--root", Root, "--json");
            Assert.True(verify.ExitCode == 0, $"round {round}: {verify}");
            Assert.Contains("\"healthy\": true", verify.Stdout, StringComparison.Ordinal);
            await afterRound(process.ExitCode);
        }

        return killedMidway;
    }

    /// <summary>Eight processes run <paramref name="verb"/> on one store at once; each x86_64 artifact must be downloaded once. Returns the GETs served.</summary>
    private async Task<List<AccessLogLine>> EightAtOnceAsync(string verb)
    {
        var lockFile = fixtures.WriteLock(temp.Combine("lock.json"), "slow", "upstream");
        var before = fixtures.Nginx.ReadAccessLog().Count;
        var runs = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Nvsdk.RunAsync(verb, "--lock", lockFile, "--root", Root, "--system", "x86_64-linux")));
        foreach (var run in runs)
        {
            Assert.True(run.ExitCode == 0, run.ToString());
        }

        var served = fixtures.Nginx.ReadAccessLog().Skip(before).Where(l => l.Method == "GET").ToList();
        foreach (var artifact in fixtures.Artifacts.Where(a => a.Systems.Contains(Core.Primitives.SystemId.X86_64Linux)))
        {
            var gets = served.Count(l => l.Path == $"/slow/{artifact.FileName}");
            Assert.True(gets == 1, $"{artifact.FileName} was requested {gets} times");
        }

        return served;
    }

    private void DeleteRoot()
    {
        foreach (var dir in Directory.EnumerateDirectories(Root, "*", SearchOption.AllDirectories).Where(d => new DirectoryInfo(d).LinkTarget is null))
        {
            File.SetUnixFileMode(dir, File.GetUnixFileMode(dir) | UnixFileMode.UserWrite);
        }

        Directory.Delete(Root, recursive: true);
    }
}
