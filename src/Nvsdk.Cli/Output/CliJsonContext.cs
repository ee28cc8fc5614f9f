using System.Text.Json.Serialization;

namespace Nvsdk.Cli.Output;

/// <summary>Source-generated JSON for every --json document (NativeAOT-safe).</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(JsonError))]
[JsonSerializable(typeof(JsonCheck))]
[JsonSerializable(typeof(JsonPlan))]
[JsonSerializable(typeof(JsonFetch))]
[JsonSerializable(typeof(JsonStoreList))]
[JsonSerializable(typeof(JsonVerify))]
[JsonSerializable(typeof(JsonGc))]
[JsonSerializable(typeof(JsonInstall))]
[JsonSerializable(typeof(JsonGenerations))]
[JsonSerializable(typeof(JsonGeneration))]
[JsonSerializable(typeof(JsonEnv))]
[JsonSerializable(typeof(JsonHostPlan))]
[JsonSerializable(typeof(JsonHostStatus))]
[JsonSerializable(typeof(JsonUpdate))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
