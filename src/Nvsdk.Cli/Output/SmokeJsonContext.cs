using System.Text.Json.Serialization;

namespace Nvsdk.Cli.Output;

/// <summary>Source-generated JSON for `nvsdk smoke --json` (NativeAOT-safe), in the same style as <see cref="CliJsonContext"/>.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(JsonSmoke))]
internal sealed partial class SmokeJsonContext : JsonSerializerContext;
