using Nvsdk.Testing;

namespace Nvsdk.Cli.Tests;

/// <summary>The update sources (FixtureUpdateSources) built once per test class and served by a real nginx.</summary>
public sealed class UpdateSourcesServer : IAsyncLifetime, IDisposable
{
    private readonly TempDir dir = new("nvsdk-update-sources-");

    private int slowBytesPerSecond = 256 * 1024;

    /// <summary>
    /// A server whose /slow/ location trickles (8 KiB/s: each fixture runfile takes seconds), for stopping an update
    /// while it downloads.
    /// </summary>
    public static async Task<UpdateSourcesServer> StartSlowAsync()
    {
        var server = new UpdateSourcesServer { slowBytesPerSecond = 8 * 1024 };
        await server.InitializeAsync();
        return server;
    }

    public FixtureUpdateSources Sources { get; private set; } = null!;

    public NginxServer Nginx { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Sources = await FixtureUpdateSources.BuildAsync(dir.Combine("srv"));
        Nginx = await NginxServer.StartAsync(dir.Combine("srv"), slowBytesPerSecond);
    }

    /// <summary>The --*-base flags pointing at this server; <paramref name="nvidia"/> picks a variant of NVIDIA's tree.</summary>
    public string[] Bases(string nvidia = "", string location = "index") =>
    [
        "--nvidia-base", $"{Nginx.BaseUrl}/{location}/{nvidia}",
        "--pypi-base", $"{Nginx.BaseUrl}/{location}/",
        "--github-api-base", $"{Nginx.BaseUrl}/{location}/",
        "--github-base", $"{Nginx.BaseUrl}/{location}/",
    ];

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        Nginx?.Dispose();
        dir.Dispose();
    }
}
