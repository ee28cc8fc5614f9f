using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Oci.Layers;

/// <summary>
/// One layer blob on disk, as the image manifest describes it: the file, its media type (which says how it
/// is compressed) and its digest, which is checked while the layer is read and names it in every error.
/// </summary>
public sealed record OciLayerFile(string Path, string MediaType, Sha256Digest Digest)
{
    /// <summary>The digest in OCI's spelling, "sha256:…", as errors name the layer.</summary>
    public string OciDigest => $"sha256:{Digest.Hex}";
}
