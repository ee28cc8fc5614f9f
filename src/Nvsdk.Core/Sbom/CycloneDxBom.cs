using System.Text.Json.Serialization;

namespace Nvsdk.Core.Sbom;

/// <summary>
/// The part of CycloneDX 1.6 (JSON) an nvsdk generation fills in: who made the BOM (nvsdk, as a tool), what it
/// describes (the SDK generation) and one component per lock artifact. Checked against CycloneDX's own
/// published schema in the tests; property names are the specification's.
/// </summary>
public sealed record CycloneDxBom
{
    [JsonPropertyName("bomFormat")]
    public string BomFormat { get; init; } = "CycloneDX";

    [JsonPropertyName("specVersion")]
    public string SpecVersion { get; init; } = "1.6";

    [JsonPropertyName("serialNumber")]
    public required string SerialNumber { get; init; }

    [JsonPropertyName("version")]
    public int Version { get; init; } = 1;

    [JsonPropertyName("metadata")]
    public required CdxMetadata Metadata { get; init; }

    [JsonPropertyName("components")]
    public required IReadOnlyList<CdxComponent> Components { get; init; }

    [JsonPropertyName("dependencies")]
    public IReadOnlyList<CdxDependency>? Dependencies { get; init; }
}

public sealed record CdxMetadata(
    [property: JsonPropertyName("timestamp")] DateTimeOffset Timestamp,
    [property: JsonPropertyName("tools")] CdxTools Tools,
    [property: JsonPropertyName("component")] CdxComponent Component,
    [property: JsonPropertyName("properties")] IReadOnlyList<CdxProperty>? Properties = null);

public sealed record CdxTools([property: JsonPropertyName("components")] IReadOnlyList<CdxComponent> Components);

public sealed record CdxComponent
{
    /// <summary>library, application, platform, container, framework…</summary>
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("bom-ref")]
    public string? BomRef { get; init; }

    [JsonPropertyName("supplier")]
    public CdxOrganization? Supplier { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("version")]
    public string? Version { get; init; }

    [JsonPropertyName("description")]
    public string? Description { get; init; }

    [JsonPropertyName("hashes")]
    public IReadOnlyList<CdxHash>? Hashes { get; init; }

    [JsonPropertyName("licenses")]
    public IReadOnlyList<CdxLicenseChoice>? Licenses { get; init; }

    [JsonPropertyName("purl")]
    public string? Purl { get; init; }

    [JsonPropertyName("externalReferences")]
    public IReadOnlyList<CdxExternalReference>? ExternalReferences { get; init; }

    [JsonPropertyName("properties")]
    public IReadOnlyList<CdxProperty>? Properties { get; init; }
}

public sealed record CdxOrganization(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("url")] IReadOnlyList<string>? Url = null);

/// <summary>alg is "SHA-256"; content is lower-case hex.</summary>
public sealed record CdxHash([property: JsonPropertyName("alg")] string Alg, [property: JsonPropertyName("content")] string Content);

public sealed record CdxLicenseChoice([property: JsonPropertyName("license")] CdxLicense License);

/// <summary>Either an SPDX <see cref="Id"/> or a <see cref="Name"/> (the schema allows exactly one), with its text's URL.</summary>
public sealed record CdxLicense
{
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("url")]
    public string? Url { get; init; }

    /// <summary>"declared": what the lock says the component is licensed under.</summary>
    [JsonPropertyName("acknowledgement")]
    public string? Acknowledgement { get; init; }
}

/// <summary>type is "distribution" for download URLs, "website" and others per the specification.</summary>
public sealed record CdxExternalReference(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("comment")] string? Comment = null);

public sealed record CdxProperty([property: JsonPropertyName("name")] string Name, [property: JsonPropertyName("value")] string Value);

public sealed record CdxDependency(
    [property: JsonPropertyName("ref")] string Ref,
    [property: JsonPropertyName("dependsOn")] IReadOnlyList<string> DependsOn);
