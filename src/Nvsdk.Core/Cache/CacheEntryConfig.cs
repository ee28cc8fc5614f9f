using System.Text;
using System.Text.Json.Serialization;

namespace Nvsdk.Core.Cache;

/// <summary>
/// The config blob of a cache entry's OCI artifact: what the entry is, the digest of its content (the
/// tree manifest's sha256), its layers' digests, and two sets of signatures: over <see cref="SignedPayload"/>
/// (what every nvsdk reads; the pull then recomputes the content hash from the files it unpacks) and over
/// <see cref="SignedLayersPayload"/> (the pull then checks the layers' digests instead, as an OCI runtime does).
/// </summary>
public sealed record CacheEntryConfig
{
    public const string MediaType = "application/vnd.nvsdk.store-entry.config.v1+json";

    /// <summary>The same config for an entry whose layers carry parts of files (<see cref="TreeLayers"/>): only a reader that joins them may pull it.</summary>
    public const string MediaTypeWithParts = "application/vnd.nvsdk.store-entry.config.v2+json";
    public const string ArtifactType = "application/vnd.nvsdk.store-entry.v1";

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("kind")]
    public required string Kind { get; init; }

    [JsonPropertyName("component")]
    public required string Component { get; init; }

    [JsonPropertyName("version")]
    public required string Version { get; init; }

    /// <summary>The content hash that is signed: for a tree, the sha256 of its canonical manifest.</summary>
    [JsonPropertyName("sha256")]
    public required string Sha256 { get; init; }

    [JsonPropertyName("size")]
    public required long Size { get; init; }

    [JsonPropertyName("signatures")]
    public required IReadOnlyList<string> Signatures { get; init; }

    /// <summary>The digests of the entry's layers, in order, as <see cref="LayerSignatures"/> cover them (absent in older entries).</summary>
    [JsonPropertyName("layers")]
    public IReadOnlyList<string>? Layers { get; init; }

    /// <summary>
    /// Signatures over <see cref="SignedLayersPayload"/>: the content hash and the layer digests. With one from a
    /// trusted key a pull checks each layer's digest as it streams in and need not hash the files it unpacks.
    /// </summary>
    [JsonPropertyName("layerSignatures")]
    public IReadOnlyList<string>? LayerSignatures { get; init; }

    /// <summary>What a signature covers: the entry's name, kind and content hash, nothing a pusher could vary.</summary>
    public static byte[] SignedPayload(string name, string kind, string sha256) =>
        Encoding.UTF8.GetBytes($"nvsdk-cache-v1\n{name}\n{kind}\nsha256:{sha256}\n");

    /// <summary>What a layer signature covers: the same, and every layer's digest in order, one per line.</summary>
    public static byte[] SignedLayersPayload(string name, string kind, string sha256, IEnumerable<string> layers) =>
        Encoding.UTF8.GetBytes($"nvsdk-cache-v2\n{name}\n{kind}\nsha256:{sha256}\n{string.Concat(layers.Select(l => $"layer {l}\n"))}");
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(CacheEntryConfig))]
[JsonSerializable(typeof(CacheSettings))]
internal sealed partial class CacheJsonContext : JsonSerializerContext;
