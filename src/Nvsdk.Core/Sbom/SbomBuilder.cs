using System.Globalization;
using System.Reflection;
using System.Text;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Sbom;

/// <summary>
/// Builds a generation's CycloneDX 1.6 BOM: the SDK generation as the described component, nvsdk as the tool,
/// one component per lock artifact with the lock's SHA-256 and sources, its licence, the unpacked tree's
/// content hash and the system. Deterministic for one generation (the serial number derives from its key).
/// </summary>
public static class SbomBuilder
{
    public const string FileName = "sbom.cdx.json";

    private static readonly CdxOrganization Nvidia = new("NVIDIA Corporation", ["https://www.nvidia.com"]);

    /// <summary>nvsdk's own version, with the commit it was built from.</summary>
    public static string ToolVersion { get; } =
        typeof(SbomBuilder).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public static CycloneDxBom Build(Sdk.GenerationRecord generation, IReadOnlyList<SbomPart> parts)
    {
        var sdkRef = $"nvsdk-generation-{generation.Number.ToString(CultureInfo.InvariantCulture)}";
        var components = parts
            .OrderBy(p => p.Artifact.Component.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Artifact.FileName, StringComparer.Ordinal)
            .Select(p => Component(p, generation.System))
            .ToList();
        var sdk = new CdxComponent
        {
            Type = "platform",
            BomRef = sdkRef,
            Supplier = Nvidia,
            Name = "nvidia-sdk",
            Version = generation.CudaVersion,
            Description = $"NVIDIA CUDA SDK assembled by nvsdk: generation {generation.Number.ToString(CultureInfo.InvariantCulture)} for {generation.System}",
        };
        var tool = new CdxComponent
        {
            Type = "application",
            Name = "nvsdk",
            Version = ToolVersion,
            Description = "hash-pinned NVIDIA CUDA SDK installer",
        };
        return new CycloneDxBom
        {
            SerialNumber = SerialNumber(generation),
            Metadata = new CdxMetadata(
                generation.CreatedAt,
                new CdxTools([tool]),
                sdk,
                [
                    new("nvsdk:generation", generation.Number.ToString(CultureInfo.InvariantCulture)),
                    new("nvsdk:system", generation.System),
                    new("nvsdk:lock", generation.Lock),
                    new("nvsdk:key", generation.Key),
                ]),
            Components = components,
            Dependencies = [new CdxDependency(sdkRef, components.Select(c => c.BomRef!).ToList())],
        };
    }

    private static CdxComponent Component(SbomPart part, string system)
    {
        var artifact = part.Artifact;
        var image = artifact.Format == ArtifactFormat.OciImage;
        var digest = artifact.Sha256?.Hex;
        var properties = new List<CdxProperty>
        {
            new("nvsdk:artifact", artifact.FileName),
            new("nvsdk:format", artifact.Format.ToLockName()),
            new("nvsdk:system", system),
            new("nvsdk:store-entry", part.TreeEntry),
            new("nvsdk:tree-sha256", part.TreeSha256),
            new("nvsdk:license-id", part.License.Id),
        };
        properties.AddRange(part.LicenseTexts.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new CdxProperty("nvsdk:license-text", $"{t.Key} sha256:{t.Value}")));
        if (part.Acceptance is { } accepted)
        {
            properties.Add(new("nvsdk:license-accepted", $"{accepted.Id} by {accepted.User} at {accepted.AcceptedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)} via {accepted.Via}"));
        }

        var references = artifact.Sources
            .Select(s => new CdxExternalReference("distribution", s.Url.ToString(), s.Role.ToString().ToLowerInvariant()))
            .ToList();
        if (part.License.Url is { } licenseUrl)
        {
            references.Add(new CdxExternalReference("license", licenseUrl));
        }

        return new CdxComponent
        {
            Type = image ? "container" : "library",
            BomRef = $"{artifact.Component}@{artifact.Version}/{artifact.FileName}",
            Supplier = Nvidia,
            Name = artifact.Component.Name,
            Version = artifact.Version,
            Description = image ? $"container image {artifact.FileName}, by its manifest digest" : artifact.FileName,
            Hashes = digest is null ? null : [new CdxHash("SHA-256", digest)],
            Licenses = [new CdxLicenseChoice(License(part.License))],
            Purl = Purl(artifact),
            ExternalReferences = references,
            Properties = properties,
        };
    }

    private static CdxLicense License(Licenses.LicenseInfo license) =>
        Licenses.LicenseCatalog.IsSpdx(license.Id)
            ? new CdxLicense { Id = license.Id, Url = license.Url, Acknowledgement = "declared" }
            : new CdxLicense { Name = license.Name, Url = license.Url, Acknowledgement = "declared" };

    /// <summary>pkg:pypi for the NCCL wheel, pkg:oci (by digest) for images, pkg:generic with the checksum otherwise.</summary>
    private static string Purl(LockFile.Artifact artifact)
    {
        var version = Uri.EscapeDataString(artifact.Version);
        if (artifact.Format == ArtifactFormat.Wheel)
        {
            var distribution = artifact.FileName.Split('-')[0].Replace('_', '-').ToLowerInvariant();
            return $"pkg:pypi/{distribution}@{version}";
        }

        if (artifact.Format == ArtifactFormat.OciImage)
        {
            var reference = artifact.Sources.Select(s => s.Url.ToString()).FirstOrDefault() ?? artifact.FileName;
            var repository = reference.Replace("docker://", string.Empty, StringComparison.Ordinal).Split(':')[0];
            var name = repository.Split('/')[^1];
            return artifact.Sha256 is { } digest
                ? $"pkg:oci/{name}@sha256%3A{digest.Hex}?repository_url={Uri.EscapeDataString(repository)}"
                : $"pkg:oci/{name}?repository_url={Uri.EscapeDataString(repository)}";
        }

        return artifact.Sha256 is { } sha
            ? $"pkg:generic/{artifact.Component}@{version}?checksum=sha256:{sha.Hex}"
            : $"pkg:generic/{artifact.Component}@{version}";
    }

    /// <summary>A name-based UUID (version 5 layout) from the generation's key and number: one serial per generation.</summary>
    private static string SerialNumber(Sdk.GenerationRecord generation)
    {
        var hash = Sha256Digest.Of(Encoding.UTF8.GetBytes($"{generation.Key}\n{generation.Number.ToString(CultureInfo.InvariantCulture)}\n{generation.CreatedAt:O}")).Hex;
        var chars = hash[..32].ToCharArray();
        chars[12] = '5';
        chars[16] = "89ab"[Convert.ToInt32(chars[16].ToString(), 16) & 3];
        var s = new string(chars);
        return $"urn:uuid:{s[..8]}-{s[8..12]}-{s[12..16]}-{s[16..20]}-{s[20..32]}";
    }
}
