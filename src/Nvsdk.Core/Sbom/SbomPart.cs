using Nvsdk.Core.Licenses;
using Nvsdk.Core.LockFile;

namespace Nvsdk.Core.Sbom;

/// <summary>
/// One lock artifact as it went into a generation: what the lock pins (name, version, SHA-256, sources), its
/// licence and the acceptance it was installed under, the unpacked tree in the store (entry name and content
/// hash) and the licence texts it left under share/licenses/ (generation-relative path → sha256).
/// </summary>
public sealed record SbomPart(
    Artifact Artifact,
    LicenseInfo License,
    LicenseAcceptance? Acceptance,
    string TreeEntry,
    string TreeSha256,
    IReadOnlyDictionary<string, string> LicenseTexts);
