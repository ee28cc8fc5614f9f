using System.Text.Json.Serialization;

namespace Nvsdk.Core.Sbom;

/// <summary>The part of SPDX 2.3 (JSON) `nvsdk sbom --format spdx` writes; property names are the specification's.</summary>
public sealed record SpdxDocument
{
    [JsonPropertyName("spdxVersion")]
    public string SpdxVersion { get; init; } = "SPDX-2.3";

    [JsonPropertyName("dataLicense")]
    public string DataLicense { get; init; } = "CC0-1.0";

    [JsonPropertyName("SPDXID")]
    public string SpdxId { get; init; } = "SPDXRef-DOCUMENT";

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("documentNamespace")]
    public required string DocumentNamespace { get; init; }

    [JsonPropertyName("creationInfo")]
    public required SpdxCreationInfo CreationInfo { get; init; }

    [JsonPropertyName("documentDescribes")]
    public required IReadOnlyList<string> DocumentDescribes { get; init; }

    [JsonPropertyName("packages")]
    public required IReadOnlyList<SpdxPackage> Packages { get; init; }

    [JsonPropertyName("hasExtractedLicensingInfos")]
    public IReadOnlyList<SpdxExtractedLicense>? HasExtractedLicensingInfos { get; init; }

    [JsonPropertyName("relationships")]
    public required IReadOnlyList<SpdxRelationship> Relationships { get; init; }
}

public sealed record SpdxCreationInfo(
    [property: JsonPropertyName("created")] string Created,
    [property: JsonPropertyName("creators")] IReadOnlyList<string> Creators);

public sealed record SpdxPackage
{
    [JsonPropertyName("SPDXID")]
    public required string SpdxId { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("versionInfo")]
    public string? VersionInfo { get; init; }

    [JsonPropertyName("packageFileName")]
    public string? PackageFileName { get; init; }

    [JsonPropertyName("supplier")]
    public string? Supplier { get; init; }

    [JsonPropertyName("downloadLocation")]
    public required string DownloadLocation { get; init; }

    [JsonPropertyName("filesAnalyzed")]
    public bool FilesAnalyzed { get; init; }

    [JsonPropertyName("checksums")]
    public IReadOnlyList<SpdxChecksum>? Checksums { get; init; }

    [JsonPropertyName("licenseConcluded")]
    public string LicenseConcluded { get; init; } = "NOASSERTION";

    [JsonPropertyName("licenseDeclared")]
    public required string LicenseDeclared { get; init; }

    [JsonPropertyName("copyrightText")]
    public string CopyrightText { get; init; } = "NOASSERTION";

    [JsonPropertyName("primaryPackagePurpose")]
    public string? PrimaryPackagePurpose { get; init; }

    [JsonPropertyName("externalRefs")]
    public IReadOnlyList<SpdxExternalRef>? ExternalRefs { get; init; }
}

/// <summary>algorithm is "SHA256" in SPDX's spelling.</summary>
public sealed record SpdxChecksum([property: JsonPropertyName("algorithm")] string Algorithm, [property: JsonPropertyName("checksumValue")] string ChecksumValue);

public sealed record SpdxExternalRef(
    [property: JsonPropertyName("referenceCategory")] string ReferenceCategory,
    [property: JsonPropertyName("referenceType")] string ReferenceType,
    [property: JsonPropertyName("referenceLocator")] string ReferenceLocator);

public sealed record SpdxExtractedLicense(
    [property: JsonPropertyName("licenseId")] string LicenseId,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("extractedText")] string ExtractedText,
    [property: JsonPropertyName("seeAlsos")] IReadOnlyList<string>? SeeAlsos);

public sealed record SpdxRelationship(
    [property: JsonPropertyName("spdxElementId")] string SpdxElementId,
    [property: JsonPropertyName("relationshipType")] string RelationshipType,
    [property: JsonPropertyName("relatedSpdxElement")] string RelatedSpdxElement);
