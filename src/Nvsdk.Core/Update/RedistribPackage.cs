using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Update;

/// <summary>One package of an NVIDIA redistrib manifest for one system (and, for cuDNN/cuTENSOR, one CUDA major).</summary>
public sealed record RedistribPackage(
    string Name,
    string Version,
    string License,
    SystemId System,
    int? CudaMajor,
    string RelativePath,
    Sha256Digest Sha256,
    long Size)
{
    /// <summary>The archive's file name (the last part of relative_path).</summary>
    public string FileName => RelativePath[(RelativePath.LastIndexOf('/') + 1)..];
}
