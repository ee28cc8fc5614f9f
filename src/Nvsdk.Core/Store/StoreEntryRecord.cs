namespace Nvsdk.Core.Store;

/// <summary>
/// The registration of a store entry, written last: an entry without a record is debris, whatever it holds.
/// <see cref="Sha256"/> is the digest of the entry's one file for artifact entries.
/// </summary>
public sealed record StoreEntryRecord
{
    public required string Name { get; init; }

    /// <summary>"artifact" for a verified download; later kinds (unpacked trees) add their own.</summary>
    public required string Kind { get; init; }

    public required string Component { get; init; }

    public required string Version { get; init; }

    public required string File { get; init; }

    public required string Sha256 { get; init; }

    public required long Size { get; init; }

    public required string Source { get; init; }

    public required DateTimeOffset RegisteredAt { get; init; }
}
