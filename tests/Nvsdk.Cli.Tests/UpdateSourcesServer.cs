using Nvsdk.Testing;

namespace Nvsdk.Cli.Tests;

/// <summary>The update sources (FixtureUpdateSources) built once per test class and served by a real nginx.</summary>
public sealed class UpdateSourcesServer : IAsyncLifetime
{
    private readonly TempDir dir = new("nvsdk-update-sources-");

    public FixtureUpdateSources Sources { get; private set; } = null!;

    public NginxServer Nginx { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Sources = await FixtureUpdateSources.BuildAsync(dir.Combine("srv"));
        Nginx = await NginxServer.StartAsync(dir.Combine("srv"));
    }

    /// <summary>The --*-base flags pointing at this server; <paramref name="nvidia"/> picks a variant of NVIDIA's tree.</summary>
    public string[] Bases(string nvidia = "") =>
    [
        "--nvidia-base", $"{Nginx.BaseUrl}/index/{nvidia}",
        "--pypi-base", $"{Nginx.BaseUrl}/index/",
        "--github-api-base", $"{Nginx.BaseUrl}/index/",
        "--github-base", $"{Nginx.BaseUrl}/index/",
    ];

    public Task DisposeAsync()
    {
        Nginx?.Dispose();
        dir.Dispose();
        return Task.CompletedTask;
    }
}
