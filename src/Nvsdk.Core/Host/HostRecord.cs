namespace Nvsdk.Core.Host;

/// <summary>
/// One host generation (var/lib/nvsdk/host/generations/&lt;n&gt;/record.json): every managed file with its hash (its
/// bytes are kept beside the record, under content/&lt;sha256&gt;) or link target, what each path was before nvsdk
/// first managed it (<see cref="Originals"/>: kind, bytes by hash, mode, owner, link target; absent when it did not
/// exist), and the folders nvsdk created for them, so rollback can put every one of them back exactly.
/// </summary>
public sealed record HostRecord
{
    public required int Number { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required IReadOnlyList<HostRecordFile> Files { get; init; }

    public required IReadOnlyDictionary<string, HostEntry> Originals { get; init; }

    public IReadOnlyList<string> CreatedFolders { get; init; } = [];

    public IReadOnlyList<string> PackagesInstalled { get; init; } = [];
}

/// <summary>
/// A managed path (resolved inside the root): a regular file with these bytes and mode, a link to
/// <see cref="LinkTarget"/>, or, when <see cref="Removed"/>, nothing (a foreign file nvsdk moved aside).
/// </summary>
public sealed record HostRecordFile(string Path, string Sha256, string Mode, string? LinkTarget = null, bool Removed = false)
{
    /// <summary>Whether the path holds exactly this (bytes and mode, or the link, or nothing).</summary>
    public bool IsSatisfiedBy(HostEntry now) =>
        Removed ? now.Kind == HostEntryKind.Absent
        : LinkTarget is null ? now.Kind == HostEntryKind.File && now.Sha256 == Sha256 && now.Mode == Mode
        : now.Kind == HostEntryKind.Symlink && now.LinkTarget == LinkTarget;
}
