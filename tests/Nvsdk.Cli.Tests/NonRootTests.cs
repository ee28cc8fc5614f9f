using Nvsdk.Testing;

namespace Nvsdk.Cli.Tests;

/// <summary>
/// nvsdk as most people run it: not root. The default store ($XDG_DATA_HOME/nvsdk, else ~/.local/share/nvsdk)
/// takes a whole install, verify, gc and generations; a missing home is one clear line, never a store in the
/// current folder. (scripts/test.sh also runs the store-writing test classes again as an unprivileged user.)
/// </summary>
public sealed class NonRootTests(FixtureServer fixtures) : IClassFixture<FixtureServer>, IDisposable
{
    private const int Nobody = 65534;

    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    private string UserHome()
    {
        CiTools.SkipIf(Environment.UserName != "root", "switching to another user needs root (CI runs as root)");
        var home = temp.Combine("home");
        Directory.CreateDirectory(home);
        UnprivilegedLane.GiveTo(home, Nobody);
        UnprivilegedLane.GiveTo(temp.Path, Nobody);
        return home;
    }

    [Fact]
    public async Task Install_AsNobody_GoesToXdgDataHome()
    {
        var home = UserHome();
        var lockFile = fixtures.WriteLock(temp.Combine("lock.json"), "mirror", "upstream");
        var env = new Dictionary<string, string?> { ["XDG_DATA_HOME"] = Path.Combine(home, "data") };

        var install = await Nvsdk.RunAsUserAsync(Nobody, home, env, "install", "--lock", lockFile, "--allow-unpinned");
        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.True(Directory.Exists(Path.Combine(home, "data", "nvsdk", "generations", "current", "lib64")), install.ToString());

        foreach (var verb in new[] { new[] { "store", "verify" }, ["generations", "list"], ["store", "gc"], ["install", "--lock", lockFile, "--allow-unpinned"] })
        {
            var run = await Nvsdk.RunAsUserAsync(Nobody, home, env, verb);
            Assert.True(run.ExitCode == 0, $"{string.Join(' ', verb)}: {run}");
        }
    }

    [Fact]
    public async Task Fetch_AsNobody_NoXdg_UsesHomeLocalShare()
    {
        var home = UserHome();
        var lockFile = fixtures.WriteLock(temp.Combine("lock.json"), "mirror", "upstream");
        var fetch = await Nvsdk.RunAsUserAsync(Nobody, home, new Dictionary<string, string?>(), "fetch", "--lock", lockFile, "--system", "x86_64-linux");
        Assert.True(fetch.ExitCode == 0, fetch.ToString());
        Assert.True(Directory.Exists(Path.Combine(home, ".local", "share", "nvsdk", "store")));
    }

    [Fact]
    public async Task Fetch_AsNobody_HomeMissing_OneLineNamingTheFix()
    {
        UserHome();
        var lockFile = fixtures.WriteLock(temp.Combine("lock.json"), "mirror", "upstream");
        var cwd = Environment.CurrentDirectory;
        var fetch = await Nvsdk.RunAsUserAsync(Nobody, "/nonexistent-home", new Dictionary<string, string?>(), "fetch", "--lock", lockFile);
        Assert.True(fetch.ExitCode == 2, fetch.ToString());
        Assert.Contains("/nonexistent-home", fetch.Stderr, StringComparison.Ordinal);
        Assert.Contains("--root", fetch.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(cwd, ".local")), "the store must never land in the current folder");
    }
}
