using System.Text.Json.Serialization;

namespace Nvsdk.Core.Bundle;

/// <summary>Source-generated JSON for <c>nvsdk-bundle.json</c> (no reflection: trim- and AOT-safe).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(BundleManifest))]
internal sealed partial class BundleJsonContext : JsonSerializerContext;
