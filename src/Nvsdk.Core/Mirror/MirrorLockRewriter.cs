using Nvsdk.Core.LockFile;

namespace Nvsdk.Core.Mirror;

/// <summary>
/// Puts a mirror first in the sources of the artifacts it holds: `&lt;base&gt;&lt;component&gt;/&lt;file&gt;`, role mirror,
/// before every other source (an equal URL further down is dropped, so the lock keeps no duplicates).
/// Everything else in the lock stays as it was.
/// </summary>
public static class MirrorLockRewriter
{
    public static LockFile.LockFile AddMirror(LockFile.LockFile lockFile, Uri baseUrl, IEnumerable<Artifact> mirrored)
    {
        var keys = mirrored.Select(MirrorSync.Key).ToHashSet(StringComparer.Ordinal);
        var components = lockFile.Components.Select(c => c with
        {
            Artifacts = c.Artifacts.Select(a => keys.Contains(MirrorSync.Key(a)) ? WithMirror(a, MirrorSync.Url(baseUrl, a)) : a).ToList(),
        }).ToList();
        return lockFile with { Components = components };
    }

    private static Artifact WithMirror(Artifact artifact, Uri url)
    {
        var others = artifact.Sources.Where(s => !string.Equals(s.Url.AbsoluteUri, url.AbsoluteUri, StringComparison.Ordinal));
        return artifact with { Sources = [new ArtifactSource(url, SourceRole.Mirror), .. others] };
    }
}
