using System.Text.Json.Serialization;

namespace Nvsdk.Cli.Output;

/// <summary>Source-generated JSON for `nvsdk bundle … --json` (NativeAOT-safe), in the same style as <see cref="CliJsonContext"/>.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(JsonBundleExport))]
[JsonSerializable(typeof(JsonBundleImport))]
internal sealed partial class BundleJsonContext : JsonSerializerContext;
