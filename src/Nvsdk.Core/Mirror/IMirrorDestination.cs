using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Mirror;

/// <summary>
/// Somewhere a copy of the lock's artifacts can live: a folder or an S3-compatible bucket. Objects are
/// addressed by a key (`&lt;component&gt;/&lt;file&gt;`); <see cref="BaseUrl"/> + key is what a lock lists as the mirror.
/// </summary>
public interface IMirrorDestination : IDisposable
{
    /// <summary>The URL to put first in the lock's sources; ends in '/'.</summary>
    Uri BaseUrl { get; }

    /// <summary>Where the copies go, for messages ("/srv/mirror", "s3://bucket/prefix at https://…").</summary>
    string Description { get; }

    /// <summary>The largest object one write can hold, if the destination has a limit.</summary>
    long? MaxObjectSize { get; }

    /// <summary>Whether the destination already holds exactly these bytes (same size and sha256).</summary>
    Task<bool> HasAsync(MirrorObject item, CancellationToken cancellationToken = default);

    /// <summary>Writes the object so that readers see the old copy or the new one, never half of it.</summary>
    Task PutAsync(MirrorObject item, CancellationToken cancellationToken = default);
}

/// <summary>One verified store file to copy: its key at the destination, where it is, and what it must be.</summary>
public sealed record MirrorObject(string Key, string FilePath, long Size, Sha256Digest Digest, string Label);
