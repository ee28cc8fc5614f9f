using Nvsdk.Core.Update;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Update;

/// <summary>The update sources (FixtureUpdateSources) built once per test class and served by a real nginx.</summary>
public sealed class UpdateServer : IAsyncLifetime
{
    private readonly TempDir dir = new("nvsdk-update-sources-");

    public FixtureUpdateSources Sources { get; private set; } = null!;

    public NginxServer Nginx { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Sources = await FixtureUpdateSources.BuildAsync(dir.Combine("srv"));
        Nginx = await NginxServer.StartAsync(dir.Combine("srv"));
    }

    /// <summary>Every base on this server; <paramref name="nvidia"/> picks a variant of NVIDIA's tree.</summary>
    public UpdateSources Bases(string nvidia = "")
    {
        var root = new Uri($"{Nginx.BaseUrl}/index/");
        return new UpdateSources { NvidiaBase = new Uri(root, nvidia), PyPiBase = root, GitHubApiBase = root, GitHubBase = root };
    }

    public Task DisposeAsync()
    {
        Nginx?.Dispose();
        dir.Dispose();
        return Task.CompletedTask;
    }
}
