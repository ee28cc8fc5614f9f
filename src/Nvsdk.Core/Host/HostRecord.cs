namespace Nvsdk.Core.Host;

/// <summary>
/// One host generation (var/lib/nvsdk/host/generations/&lt;n&gt;/record.json): every managed file with its
/// hash (its bytes are kept beside the record, under content/&lt;sha256&gt;), and what each file was before nvsdk
/// first touched it (sha256 of the kept original, or null when it did not exist) so rollback can put it back.
/// </summary>
public sealed record HostRecord
{
    public required int Number { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required IReadOnlyList<HostRecordFile> Files { get; init; }

    public required IReadOnlyDictionary<string, string?> Originals { get; init; }

    public IReadOnlyList<string> PackagesInstalled { get; init; } = [];
}

public sealed record HostRecordFile(string Path, string Sha256, string Mode);
