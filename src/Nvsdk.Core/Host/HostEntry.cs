using System.Text.Json.Serialization;

namespace Nvsdk.Core.Host;

/// <summary>What a host path is: nothing, a regular file, a symbolic link, or something nvsdk never writes over.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<HostEntryKind>))]
public enum HostEntryKind
{
    Absent,
    File,
    Symlink,
    Other,
}

/// <summary>
/// One host path exactly as it was: kind, permission bits (octal text), owner, group, a link's target as written,
/// and a file's bytes (kept in the generation's content store by <see cref="Sha256"/>; <see cref="Bytes"/> is only
/// set on a freshly inspected entry). Rollback puts back exactly this.
/// </summary>
public sealed record HostEntry(string Path, HostEntryKind Kind, string? Sha256, string? Mode, uint Uid, uint Gid, string? LinkTarget)
{
    [JsonIgnore]
    public byte[]? Bytes { get; init; }

    public static HostEntry Absent(string path) => new(path, HostEntryKind.Absent, null, null, 0, 0, null);

    /// <summary>Whether the path holds the same thing (bytes or link target, mode, owner) as <paramref name="other"/>.</summary>
    public bool SameAs(HostEntry other) =>
        Kind == other.Kind && Sha256 == other.Sha256 && LinkTarget == other.LinkTarget
        && (Kind is not HostEntryKind.File || (Mode == other.Mode && Uid == other.Uid && Gid == other.Gid))
        && (Kind is not HostEntryKind.Symlink || (Uid == other.Uid && Gid == other.Gid));
}
