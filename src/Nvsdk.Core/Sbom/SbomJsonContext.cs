using System.Text.Json.Serialization;

namespace Nvsdk.Core.Sbom;

[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CycloneDxBom))]
[JsonSerializable(typeof(SpdxDocument))]
public sealed partial class SbomJsonContext : JsonSerializerContext;
