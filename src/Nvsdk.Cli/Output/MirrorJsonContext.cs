using System.Text.Json.Serialization;

namespace Nvsdk.Cli.Output;

/// <summary>Source-generated JSON for `nvsdk mirror sync --json` (NativeAOT-safe), in the same style as <see cref="CliJsonContext"/>.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(JsonMirrorSync))]
internal sealed partial class MirrorJsonContext : JsonSerializerContext;

internal sealed record JsonMirrorSync(
    string Destination,
    string BaseUrl,
    IReadOnlyList<string> Systems,
    bool Succeeded,
    int Uploaded,
    int Present,
    int Failed,
    int Fetched,
    long BytesUploaded,
    string? LockRewritten,
    IReadOnlyList<JsonMirrored> Artifacts,
    IReadOnlyList<JsonMirrorSkipped> Skipped);

/// <summary>One artifact: action is "uploaded", "present" (already there, same size and sha256) or "failed".</summary>
internal sealed record JsonMirrored(
    string Component,
    string Version,
    string File,
    string Key,
    string Url,
    string Action,
    long? Size,
    bool Fetched,
    string? Error);

internal sealed record JsonMirrorSkipped(string Component, string File, string Reason);
