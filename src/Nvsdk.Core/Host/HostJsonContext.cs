using System.Text.Json.Serialization;

namespace Nvsdk.Core.Host;

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(HostRecord))]
internal sealed partial class HostJsonContext : JsonSerializerContext;
