using System.Text.Json.Serialization;

namespace Nvsdk.Core.Sdk;

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(GenerationRecord))]
[JsonSerializable(typeof(VersionJson))]
internal sealed partial class SdkJsonContext : JsonSerializerContext;

/// <summary>The generation's version.json: component → version, as the seed's unified package has it.</summary>
internal sealed record VersionJson(string Cuda, string System, int Generation, IReadOnlyDictionary<string, string> Components);
