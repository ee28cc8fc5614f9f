using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Errors;

/// <summary>An image layer nvsdk cannot apply: an unknown or non-distributable media type.</summary>
public sealed class UnsupportedLayerException : NvsdkException
{
    public UnsupportedLayerException(Sha256Digest layer, string mediaType, string reason)
        : base(ErrorCode.InvalidInput, $"layer sha256:{layer.Hex}: {reason} (media type '{mediaType}')")
    {
        Layer = layer;
        MediaType = mediaType;
        Reason = reason;
    }

    public Sha256Digest Layer { get; }

    public string MediaType { get; }

    public string Reason { get; }
}
