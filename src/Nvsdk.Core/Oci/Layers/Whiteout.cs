using Nvsdk.Core.Unpack;

namespace Nvsdk.Core.Oci.Layers;

/// <summary>
/// The OCI whiteout names: <c>.wh.NAME</c> deletes NAME from the layers below, <c>.wh..wh..opq</c> deletes
/// everything the layers below put in its folder. Other <c>.wh..wh.</c> names are reserved and mean nothing
/// yet. A marker is never part of the tree, whatever its entry type (some tools hard-link every whiteout
/// of a layer to the first one).
/// </summary>
internal static class Whiteout
{
    public const string Prefix = ".wh.";
    public const string OpaqueName = ".wh..wh..opq";
    private const string ReservedPrefix = ".wh..wh.";

    public static bool IsMarker(string name) => name.StartsWith(Prefix, StringComparison.Ordinal);

    public static bool IsOpaque(string name) => name == OpaqueName;

    public static bool IsReserved(string name) => name.StartsWith(ReservedPrefix, StringComparison.Ordinal) && !IsOpaque(name);

    /// <summary>Whether a folder above <paramref name="path"/> has a marker's name.</summary>
    public static bool UnderMarker(string path) =>
        ArchivePath.Ancestors(path).Any(folder => IsMarker(folder[(folder.LastIndexOf('/') + 1)..]));

    /// <summary>The name a <c>.wh.NAME</c> marker deletes, or null when it names the folder itself or its parent.</summary>
    public static string? Victim(string name)
    {
        var victim = name[Prefix.Length..];
        return victim is "" or "." or ".." ? null : victim;
    }
}
