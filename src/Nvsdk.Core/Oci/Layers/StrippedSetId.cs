namespace Nvsdk.Core.Oci.Layers;

/// <summary>
/// A file or folder written without the setuid/setgid bits its layer gave it (<see cref="FileModes.Kept"/>):
/// <paramref name="Mode"/> is what the layer said, <paramref name="Written"/> what the tree has.
/// </summary>
public sealed record StrippedSetId(string Path, UnixFileMode Mode, UnixFileMode Written)
{
    /// <summary>Which bits went, in words: "setuid", "setgid" or "setuid and setgid".</summary>
    public string Bits => (Mode & UnixFileMode.SetUser, Mode & UnixFileMode.SetGroup) switch
    {
        (not 0, not 0) => "setuid and setgid",
        (not 0, _) => "setuid",
        _ => "setgid",
    };
}
