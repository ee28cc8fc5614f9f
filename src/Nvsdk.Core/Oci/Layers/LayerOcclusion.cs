using Nvsdk.Core.Unpack;

namespace Nvsdk.Core.Oci.Layers;

/// <summary>How a higher layer holds a path: as a folder (named in it, or only implied by a member below it) or as anything else.</summary>
internal enum ClaimKind
{
    Directory,
    ImpliedDirectory,
    Other,
}

/// <summary>The layer that first (topmost) put something at a path, and the member that did.</summary>
internal readonly record struct Claim(ClaimKind Kind, int Layer, string Archive, string Entry)
{
    public bool IsDirectory => Kind != ClaimKind.Other;
}

/// <summary>
/// What the layers above the one being read hide from it. Layers are read top to bottom (layer index
/// descending), so each path is decided once, by the topmost layer that has it. Every record keeps the layer
/// that made it and acts only on lower layers: OCI whiteouts "only apply to resources in lower layers", and a
/// layer's own members never hide each other.
/// <list type="bullet">
/// <item>a claim: the path is taken; a non-folder claim also hides everything below the path;</item>
/// <item>a whiteout (<c>.wh.NAME</c>): hides the path and everything below it;</item>
/// <item>an opaque folder (<c>.wh..wh..opq</c>, or a folder that replaced a lower non-folder): hides
/// everything below it, not the folder itself.</item>
/// </list>
/// </summary>
internal sealed class LayerOcclusion
{
    private readonly Dictionary<string, Claim> claims = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> whiteouts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> opaque = new(StringComparer.Ordinal);

    /// <summary>Whether a higher layer hides <paramref name="path"/> through a whiteout or through one of its ancestors.</summary>
    public bool IsHidden(string path, int layer)
    {
        if (Above(opaque, string.Empty, layer))
        {
            return true;
        }

        foreach (var ancestor in ArchivePath.Ancestors(path))
        {
            if (Above(whiteouts, ancestor, layer) || Above(opaque, ancestor, layer))
            {
                return true;
            }

            if (claims.TryGetValue(ancestor, out var claim) && claim.Layer > layer && !claim.IsDirectory)
            {
                return true;
            }
        }

        return Above(whiteouts, path, layer);
    }

    /// <summary>The claim a higher layer holds on <paramref name="path"/> itself, if any.</summary>
    public bool TryGetClaimAbove(string path, int layer, out Claim claim) =>
        claims.TryGetValue(path, out claim) && claim.Layer > layer;

    /// <summary>
    /// Takes <paramref name="path"/> for <paramref name="layer"/>, and its ancestors as implied folders. A
    /// second member of one layer at the same path keeps the first claim (the tree writer decides whether the
    /// two agree), except that naming a folder it had only implied makes it a named one.
    /// </summary>
    public void Claim(string path, ClaimKind kind, int layer, string archive, string entry)
    {
        foreach (var ancestor in ArchivePath.Ancestors(path))
        {
            claims.TryAdd(ancestor, new Claim(ClaimKind.ImpliedDirectory, layer, archive, entry));
        }

        if (!claims.TryAdd(path, new Claim(kind, layer, archive, entry))
            && kind == ClaimKind.Directory
            && claims[path] is { Kind: ClaimKind.ImpliedDirectory } implied
            && implied.Layer == layer)
        {
            claims[path] = implied with { Kind = ClaimKind.Directory, Entry = entry };
        }
    }

    public void WhiteOut(string path, int layer) => whiteouts.TryAdd(path, layer);

    /// <summary>Hides what layers below <paramref name="layer"/> put under <paramref name="folder"/> ("" for the root).</summary>
    public void MakeOpaque(string folder, int layer) => opaque.TryAdd(folder, layer);

    // TryAdd keeps the first record, which is the topmost layer's: that one covers every lower layer already.
    private static bool Above(Dictionary<string, int> records, string path, int layer) =>
        records.TryGetValue(path, out var by) && by > layer;
}
