using Nvsdk.Core.LockFile;
using Nvsdk.Core.Primitives;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Mirror;

/// <summary>
/// The fixture archives in NVIDIA's layouts (built once per test class) and a lock whose only sources are
/// their file:// paths; cutlass is pinned here, so every system has five artifacts plus cutlass.
/// </summary>
public sealed class MirrorFixtureArtifacts : IAsyncLifetime
{
    private readonly TempDir dir = new("nvsdk-mirror-fixtures-");

    public IReadOnlyList<FixtureArtifact> Artifacts { get; private set; } = [];

    public string LockPath => dir.Combine("nvsdk.lock.json");

    public async Task InitializeAsync()
    {
        Artifacts = await FixtureArchives.BuildAsync(dir.Combine("archives"), payloadBytes: 4096);
        FixtureLock.Write(LockPath, Artifacts, a => [(new Uri(a.Path).AbsoluteUri, "upstream")]);
    }

    public Task DisposeAsync()
    {
        dir.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>The lock with every upstream source moved to a port nothing listens on: only a mirror can serve it.</summary>
    public static Core.LockFile.LockFile WithUpstreamsUnreachable(Core.LockFile.LockFile lockFile) =>
        lockFile with
        {
            Components = lockFile.Components.Select(c => c with
            {
                Artifacts = c.Artifacts.Select(a => a with
                {
                    Sources = a.Sources.Select(s => s.Role == SourceRole.Upstream ? new ArtifactSource(new Uri($"http://127.0.0.1:9/{a.FileName}"), SourceRole.Upstream) : s).ToList(),
                }).ToList(),
            }).ToList(),
        };

    public static IReadOnlyList<SystemId> AllSystems => SystemId.All;
}
