using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.LockFile;

/// <summary>One SDK component (cuda, cudnn, nccl…) at one version, with its artifacts for each system.</summary>
public sealed record Component(
    ComponentId Id,
    string Version,
    string License,
    int? CudaMajor,
    IReadOnlyList<string> Provides,
    IReadOnlyList<Artifact> Artifacts,
    string JsonPath)
{
    public IEnumerable<Artifact> ArtifactsFor(SystemId system) => Artifacts.Where(a => a.Systems.Contains(system));
}
