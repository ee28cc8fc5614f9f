using System.Text.Json.Serialization;

namespace Nvsdk.Cli.Output;

/// <summary>Source-generated JSON for `nvsdk image …` and `nvsdk cache …` (NativeAOT-safe).</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(JsonImagePull))]
[JsonSerializable(typeof(JsonImageExport))]
[JsonSerializable(typeof(JsonImageTags))]
[JsonSerializable(typeof(JsonImagePush))]
[JsonSerializable(typeof(JsonImageList))]
[JsonSerializable(typeof(JsonCacheKeygen))]
[JsonSerializable(typeof(JsonCachePush))]
[JsonSerializable(typeof(JsonCachePull))]
[JsonSerializable(typeof(JsonCacheSettings))]
internal sealed partial class OciCliJsonContext : JsonSerializerContext;

/// <summary>A pulled image: the reference pinned by its platform manifest digest, and where it lies in the store.</summary>
internal sealed record JsonImagePull(
    string Reference,
    string Pinned,
    string ManifestDigest,
    string? IndexDigest,
    string? Platform,
    string Entry,
    string Path,
    bool Downloaded,
    int Layers,
    long Size);

/// <summary>
/// An exported image: where, how much, the members left out (device nodes, FIFOs) and those written without their
/// setuid/setgid bits (modes as octal text, "4755").
/// </summary>
internal sealed record JsonImageExport(
    string Reference,
    string ManifestDigest,
    string Directory,
    int Files,
    long Bytes,
    IReadOnlyList<JsonSkippedEntry> Skipped,
    IReadOnlyList<JsonStrippedSetId> SetIdStripped);

/// <summary>A member not written: its path in the image, what it is ("character device"), why, and its layer.</summary>
internal sealed record JsonSkippedEntry(string Path, string Type, string Reason, string Layer);

/// <summary>A member written without setuid/setgid: the mode its layer gave and the mode written.</summary>
internal sealed record JsonStrippedSetId(string Path, string Mode, string Written);

internal sealed record JsonImageTags(string Repository, IReadOnlyList<string> Tags);

internal sealed record JsonImageList(IReadOnlyList<JsonImageListed> Images);

internal sealed record JsonImageListed(string Reference, string Pinned, string ManifestDigest, string Entry, long Size, DateTimeOffset PulledAt);

internal sealed record JsonImagePush(string Reference, string Digest, string MediaType, int BlobsUploaded, int BlobsPresent);

internal sealed record JsonCacheKeygen(string Name, string SecretKey, string PublicKeyFile, string PublicKey);

internal sealed record JsonCachePush(string Cache, IReadOnlyList<JsonCachePushed> Entries);

/// <summary>One entry: action is "uploaded" or "present" (the cache already had every blob).</summary>
internal sealed record JsonCachePushed(string Entry, string Component, string Version, string Sha256, string Action);

internal sealed record JsonCachePull(string Cache, IReadOnlyList<JsonCachePulled> Entries);

/// <summary>One entry: action is "pulled", "present" (already in the store) or "missing" (not in the cache).</summary>
internal sealed record JsonCachePulled(string Entry, string Action);

internal sealed record JsonCacheSettings(bool Enabled, bool Active, IReadOnlyList<string> Caches, IReadOnlyList<string> TrustedKeys, string File);
