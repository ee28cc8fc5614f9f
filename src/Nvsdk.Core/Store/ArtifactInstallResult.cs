namespace Nvsdk.Core.Store;

/// <summary>An artifact now in the store: its record, where it is, and whether this run downloaded it.</summary>
public sealed record ArtifactInstallResult(StoreEntryRecord Record, bool Downloaded, string EntryPath)
{
    public string FilePath => Path.Combine(EntryPath, Record.File);
}
