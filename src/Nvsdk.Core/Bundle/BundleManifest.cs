using System.Text.Json.Serialization;
using Nvsdk.Core.Errors;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Bundle;

/// <summary>
/// <c>nvsdk-bundle.json</c>, the first entry of a bundle: what it carries, for which system, and the digest
/// of the lock copy beside it. A bundle is one uncompressed tar:
/// <code>
/// nvsdk-bundle.json                  this manifest
/// nvsdk.lock.json                    the lock the artifacts were selected from, byte for byte
/// artifacts/&lt;sha256&gt;-&lt;file&gt;         each artifact's bytes, in manifest order
/// </code>
/// </summary>
public sealed record BundleManifest
{
    public const int CurrentFormatVersion = 1;

    public const string ManifestEntryName = "nvsdk-bundle.json";

    public const string LockEntryName = "nvsdk.lock.json";

    public const string ArtifactsFolder = "artifacts/";

    public required int FormatVersion { get; init; }

    public required DateTimeOffset Created { get; init; }

    [JsonConverter(typeof(SystemIdJsonConverter))]
    public required SystemId System { get; init; }

    public required string CudaVersion { get; init; }

    /// <summary>The digest of the <c>nvsdk.lock.json</c> entry, so a swapped lock copy is noticed.</summary>
    [JsonConverter(typeof(Sha256DigestJsonConverter))]
    public required Sha256Digest LockSha256 { get; init; }

    public required IReadOnlyList<BundleArtifact> Artifacts { get; init; }

    /// <summary>Checks what JSON alone cannot: the format version, safe file names, no duplicates.</summary>
    internal void Validate(string bundle)
    {
        if (FormatVersion != CurrentFormatVersion)
        {
            throw Invalid(bundle, $"{ManifestEntryName} has format version {FormatVersion}; this nvsdk reads version {CurrentFormatVersion}");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var a in Artifacts)
        {
            if (a.File.Length == 0 || a.File.Contains('/', StringComparison.Ordinal) || a.File.Contains('\0', StringComparison.Ordinal) || a.File.StartsWith('.'))
            {
                throw Invalid(bundle, $"{ManifestEntryName} names the artifact file '{a.File}', which is not a plain file name");
            }

            if (a.Size < 0 || a.Version.Length == 0)
            {
                throw Invalid(bundle, $"{ManifestEntryName} has a bad size or version for {a.File}");
            }

            if (!seen.Add(a.EntryName))
            {
                throw Invalid(bundle, $"{ManifestEntryName} lists {a.File} twice");
            }
        }
    }

    /// <summary>
    /// The lock's entry for each artifact, in manifest order: same component, version, file, system and
    /// digest. A bundle whose lock does not pin what it carries is refused as a whole.
    /// </summary>
    internal IReadOnlyList<Artifact> ResolveAgainst(LockFile.LockFile lockFile, string bundle)
    {
        var resolved = new List<Artifact>(Artifacts.Count);
        foreach (var a in Artifacts)
        {
            var match = lockFile.Find(a.Component)?.ArtifactsFor(System)
                .FirstOrDefault(l => string.Equals(l.FileName, a.File, StringComparison.Ordinal) && l.Sha256 == a.Sha256);
            if (match is null || !string.Equals(match.Version, a.Version, StringComparison.Ordinal) || (match.Size is { } size && size != a.Size))
            {
                throw Invalid(bundle, $"{LockEntryName} does not pin {a.Label} with sha256 {a.Sha256} for {System}: the bundle is inconsistent");
            }

            resolved.Add(match);
        }

        return resolved;
    }

    private static BundleException Invalid(string bundle, string problem) => new(ErrorCode.InvalidInput, bundle, problem);
}
