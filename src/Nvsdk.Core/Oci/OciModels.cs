using System.Text.Json.Serialization;

namespace Nvsdk.Core.Oci;

/// <summary>A content descriptor: what a manifest says about a blob or another manifest.</summary>
public sealed record OciDescriptor
{
    [JsonPropertyName("mediaType")]
    public required string MediaType { get; init; }

    [JsonPropertyName("digest")]
    public required string Digest { get; init; }

    [JsonPropertyName("size")]
    public required long Size { get; init; }

    [JsonPropertyName("platform")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OciPlatform? Platform { get; init; }

    [JsonPropertyName("artifactType")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ArtifactType { get; init; }

    [JsonPropertyName("annotations")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? Annotations { get; init; }
}

/// <summary>The platform of one entry in an image index.</summary>
public sealed record OciPlatform
{
    [JsonPropertyName("architecture")]
    public required string Architecture { get; init; }

    [JsonPropertyName("os")]
    public required string Os { get; init; }

    [JsonPropertyName("variant")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Variant { get; init; }

    public override string ToString() => $"{Os}/{Architecture}{(Variant is null ? string.Empty : "/" + Variant)}";
}

/// <summary>An image manifest (OCI or Docker v2 schema 2: the same shape).</summary>
public sealed record OciManifest
{
    [JsonPropertyName("schemaVersion")]
    public int SchemaVersion { get; init; } = 2;

    [JsonPropertyName("mediaType")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MediaType { get; init; }

    [JsonPropertyName("artifactType")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ArtifactType { get; init; }

    [JsonPropertyName("config")]
    public required OciDescriptor Config { get; init; }

    [JsonPropertyName("layers")]
    public required IReadOnlyList<OciDescriptor> Layers { get; init; }

    [JsonPropertyName("annotations")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? Annotations { get; init; }
}

/// <summary>An image index / Docker manifest list: one manifest per platform.</summary>
public sealed record OciIndex
{
    [JsonPropertyName("schemaVersion")]
    public int SchemaVersion { get; init; } = 2;

    [JsonPropertyName("mediaType")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MediaType { get; init; }

    [JsonPropertyName("manifests")]
    public required IReadOnlyList<OciDescriptor> Manifests { get; init; }
}

/// <summary>The parts of an image config nvsdk reads: the platform and the uncompressed layer digests.</summary>
public sealed record OciImageConfig
{
    [JsonPropertyName("architecture")]
    public string? Architecture { get; init; }

    [JsonPropertyName("os")]
    public string? Os { get; init; }

    [JsonPropertyName("variant")]
    public string? Variant { get; init; }

    [JsonPropertyName("rootfs")]
    public OciRootFs? RootFs { get; init; }

    [JsonPropertyName("config")]
    public OciRunConfig? Config { get; init; }
}

/// <summary>The run-time part of an image config; NGC images say their CUDA version in Env.</summary>
public sealed record OciRunConfig
{
    [JsonPropertyName("Env")]
    public IReadOnlyList<string>? Env { get; init; }

    [JsonPropertyName("Labels")]
    public Dictionary<string, string>? Labels { get; init; }
}

public sealed record OciRootFs
{
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("diff_ids")]
    public IReadOnlyList<string>? DiffIds { get; init; }
}

/// <summary>Bearer-token answers: registries use either "token" or "access_token".</summary>
public sealed record RegistryTokenResponse
{
    [JsonPropertyName("token")]
    public string? Token { get; init; }

    [JsonPropertyName("access_token")]
    public string? AccessToken { get; init; }
}

/// <summary>The tag list of a repository.</summary>
public sealed record RegistryTagList
{
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("tags")]
    public IReadOnlyList<string>? Tags { get; init; }
}

[JsonSourceGenerationOptions(WriteIndented = false, AllowTrailingCommas = false)]
[JsonSerializable(typeof(OciManifest))]
[JsonSerializable(typeof(OciIndex))]
[JsonSerializable(typeof(OciImageConfig))]
[JsonSerializable(typeof(RegistryTokenResponse))]
[JsonSerializable(typeof(RegistryTagList))]
internal sealed partial class OciJsonContext : JsonSerializerContext;
