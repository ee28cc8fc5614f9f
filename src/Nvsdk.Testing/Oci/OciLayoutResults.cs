namespace Nvsdk.Testing.Oci;

/// <summary>What a manifest, index or layout entry points at: media type, digest ("sha256:…") and byte size.</summary>
public sealed record OciDescriptor(string MediaType, string Digest, long Size)
{
    /// <summary>The digest's hex part, the blob's file name under blobs/sha256/.</summary>
    public string Hex => Digest["sha256:".Length..];
}

/// <summary>A written layer: its blob (compressed as asked) and the sha256 of its uncompressed tar.</summary>
public sealed record OciBuiltLayer(OciDescriptor Blob, string DiffId);

/// <summary>A written image: manifest, config and layers, all present as blobs in the layout.</summary>
public sealed record OciBuiltImage(OciDescriptor Manifest, OciDescriptor Config, IReadOnlyList<OciBuiltLayer> Layers, string Architecture, string Os, string? Variant);

/// <summary>A written image index (or Docker manifest list) over <see cref="Images"/>, in that order.</summary>
public sealed record OciBuiltIndex(OciDescriptor Index, IReadOnlyList<OciBuiltImage> Images);
