using Nvsdk.Testing;

namespace Nvsdk.Cli.Tests;

/// <summary>Fixture archives for both systems, built once per test class and served by a real nginx.</summary>
public sealed class FixtureServer : IAsyncLifetime
{
    private readonly TempDir files = new("nvsdk-fixtures-");

    public NginxServer Nginx { get; private set; } = null!;

    public IReadOnlyList<FixtureArtifact> Artifacts { get; private set; } = [];

    /// <summary>
    /// Through /slow/ each 256 KiB artifact takes about two seconds: long enough to kill mid-way. (nginx lets
    /// the first second's worth of bytes out at once, so the rate must be well below the file size.)
    /// </summary>
    public async Task InitializeAsync()
    {
        Artifacts = await FixtureArchives.BuildAsync(files.Path, payloadBytes: 256 * 1024);
        Nginx = await NginxServer.StartAsync(files.Path, slowBytesPerSecond: 96 * 1024);
    }

    /// <summary>Writes a lock whose sources are, in order, the given nginx locations ("mirror", "upstream", "slow"…).</summary>
    public string WriteLock(string path, string mirrorLocation, string upstreamLocation, ISet<string>? corrupt = null) =>
        FixtureLock.Write(
            path,
            Artifacts,
            a => [($"{Nginx.BaseUrl}/{mirrorLocation}/{a.FileName}", "mirror"), ($"{Nginx.BaseUrl}/{upstreamLocation}/{a.FileName}", "upstream")],
            corrupt: corrupt);

    public Task DisposeAsync()
    {
        Nginx?.Dispose();
        files.Dispose();
        return Task.CompletedTask;
    }
}
