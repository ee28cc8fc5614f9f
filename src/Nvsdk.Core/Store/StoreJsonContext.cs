using System.Text.Json.Serialization;

namespace Nvsdk.Core.Store;

/// <summary>Source-generated JSON for the store's own files (no reflection: trim- and AOT-safe).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StoreEntryRecord))]
internal sealed partial class StoreJsonContext : JsonSerializerContext;
