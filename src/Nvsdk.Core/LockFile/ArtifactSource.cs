namespace Nvsdk.Core.LockFile;

/// <summary>Where an artifact can be downloaded from. Mirrors are listed before upstream; the hash decides.</summary>
public sealed record ArtifactSource(Uri Url, SourceRole Role);

public enum SourceRole
{
    Mirror,
    Upstream,
}
