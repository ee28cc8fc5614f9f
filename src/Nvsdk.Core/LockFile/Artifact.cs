using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.LockFile;

/// <summary>
/// One downloadable file (or image) of a component. <see cref="Sha256"/> is null only for entries the lock
/// marks unpinned, with <see cref="UnpinnedReason"/> saying why; those are refused unless the user allows them.
/// </summary>
public sealed record Artifact(
    ComponentId Component,
    string Version,
    string FileName,
    ArtifactFormat Format,
    IReadOnlyList<SystemId> Systems,
    Sha256Digest? Sha256,
    long? Size,
    IReadOnlyList<ArtifactSource> Sources,
    string? UnpinnedReason,
    string JsonPath)
{
    public bool IsPinned => Sha256 is not null;

    /// <summary>A short human label: "cudnn 9.17.0.29 (cudnn-linux-x86_64-…tar.xz)".</summary>
    public string Label => $"{Component} {Version} ({FileName})";
}
