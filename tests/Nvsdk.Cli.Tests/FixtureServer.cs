using Nvsdk.Testing;

namespace Nvsdk.Cli.Tests;

/// <summary>Fixture archives for both systems, built once per test class and served by a real nginx.</summary>
public sealed class FixtureServer : IAsyncLifetime
{
    private readonly TempDir files = new("nvsdk-fixtures-");

    public NginxServer Nginx { get; private set; } = null!;

    /// <summary>The shipped form: CUDA as redistrib packages, with cuDNN, cuTENSOR, TensorRT, NCCL and CUTLASS.</summary>
    public IReadOnlyList<FixtureArtifact> Artifacts { get; private set; } = [];

    /// <summary>The runfile form: the same components with CUDA 13.1.0 as its two .run installers instead of packages.</summary>
    public IReadOnlyList<FixtureArtifact> RunfileArtifacts { get; private set; } = [];

    /// <summary>
    /// Through /slow/ each 256 KiB artifact takes about two seconds: long enough to kill mid-way. (nginx lets
    /// the first second's worth of bytes out at once, so the rate must be well below the file size.)
    /// </summary>
    public async Task InitializeAsync()
    {
        Artifacts = await FixtureArchives.BuildAsync(files.Path, payloadBytes: 256 * 1024);
        var runfiles = new List<FixtureArtifact>();
        foreach (var system in Core.Primitives.SystemId.All)
        {
            runfiles.Add(await FixtureArchives.CudaRunfileAsync(files.Path, system, FixtureArchives.RunfileRelease, FixtureArchives.RunfileDriver, FixtureArchives.Payload(16 * 1024, 3)));
        }

        RunfileArtifacts = [.. runfiles, .. Artifacts.Where(a => !FixtureCudaPackages.IsPackage(a.Component))];
        Nginx = await NginxServer.StartAsync(files.Path, slowBytesPerSecond: 96 * 1024);
    }

    /// <summary>Writes a lock whose sources are, in order, the given nginx locations ("mirror", "upstream", "slow"…).</summary>
    public string WriteLock(string path, string mirrorLocation, string upstreamLocation, ISet<string>? corrupt = null, bool runfile = false) =>
        FixtureLock.Write(
            path,
            runfile ? RunfileArtifacts : Artifacts,
            a => [($"{Nginx.BaseUrl}/{mirrorLocation}/{a.FileName}", "mirror"), ($"{Nginx.BaseUrl}/{upstreamLocation}/{a.FileName}", "upstream")],
            corrupt: corrupt);

    public Task DisposeAsync()
    {
        Nginx?.Dispose();
        files.Dispose();
        return Task.CompletedTask;
    }
}
