using Nvsdk.Testing;

namespace Nvsdk.Cli.Tests;

/// <summary>`nvsdk mirror sync` to a folder, end to end: sync, sync again (nothing to do), install from the mirror only.</summary>
public sealed class MirrorCommandTests(FixtureServer fixtures) : IClassFixture<FixtureServer>, IDisposable
{
    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Sync_ToFolder_ThenInstallFromItAlone()
    {
        var lockFile = fixtures.WriteLock(temp.Combine("lock.json"), "mirror", "upstream");
        var mirror = temp.Combine("mirror");
        var first = await Nvsdk.RunAsync("mirror", "sync", "--to", mirror, "--lock", lockFile, "--root", temp.Combine("root"));
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(File.Exists(Path.Combine(mirror, "cudnn", fixtures.Artifacts.First(a => a.Component == "cudnn").FileName)));

        var second = await Nvsdk.RunAsync("mirror", "sync", "--to", mirror, "--lock", lockFile, "--root", temp.Combine("root"), "--rewrite-lock");
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("uploaded 0", second.Stdout, StringComparison.Ordinal);

        // With nginx's locations renamed away, only the file:// mirror the lock now lists first can serve.
        var text = await File.ReadAllTextAsync(lockFile);
        await File.WriteAllTextAsync(lockFile, text.Replace(fixtures.Nginx.BaseUrl, "http://127.0.0.1:9", StringComparison.Ordinal));
        var install = await Nvsdk.RunAsync("install", "--lock", lockFile, "--root", temp.Combine("fresh"));
        Assert.True(install.ExitCode == 0, install.ToString());
    }
}
