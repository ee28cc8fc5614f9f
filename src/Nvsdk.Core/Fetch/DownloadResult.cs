using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Fetch;

/// <summary>A complete, verified download: the partial file now holds exactly these bytes.</summary>
public sealed record DownloadResult(Sha256Digest Digest, long Size, Uri Source, long BytesTransferred);
