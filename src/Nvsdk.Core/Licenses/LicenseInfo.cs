namespace Nvsdk.Core.Licenses;

/// <summary>
/// One licence a lock component carries. <see cref="Id"/> is an SPDX identifier where SPDX has one
/// (BSD-3-Clause) and nvsdk's own name otherwise (NVIDIA-CUDA-EULA; SPDX documents write it LicenseRef-…).
/// A proprietary licence must be accepted before nvsdk downloads what it covers.
/// </summary>
public sealed record LicenseInfo(string Id, string Name, bool Proprietary, string? Url, string? TextInArchive)
{
    /// <summary>How SPDX and CycloneDX documents name it: the SPDX id, or LicenseRef-&lt;id&gt;.</summary>
    public string SpdxId => LicenseCatalog.IsSpdx(Id) ? Id : "LicenseRef-" + Id;
}
