using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Oci.Registry;

/// <summary>A manifest or index exactly as the registry sent it: the bytes are what the digest covers.</summary>
public sealed record ManifestResponse(byte[] Bytes, string MediaType, Sha256Digest Digest);

/// <summary>
/// An image resolved to one platform: the index it came from (if any), the platform's manifest, and the
/// reference pinned by that manifest's digest.
/// </summary>
public sealed record ResolvedImage(
    ImageReference Image,
    Sha256Digest? IndexDigest,
    ManifestResponse Manifest,
    OciManifest Parsed,
    OciPlatform? Platform)
{
    public ImageReference Pinned => Image with { Tag = Image.Tag, Digest = Manifest.Digest };

    public long TotalSize => Parsed.Config.Size + Parsed.Layers.Sum(l => l.Size);
}
