using System.Text.Json;
using System.Text.Json.Serialization;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Bundle;

/// <summary>Identities cross the manifest as their strict value types (STYLE habit 1), parsed on read.</summary>
internal sealed class Sha256DigestJsonConverter : JsonConverter<Sha256Digest>
{
    public override Sha256Digest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Sha256Digest.TryParse(reader.GetString(), out var digest) ? digest : throw new JsonException("expected a sha256 digest (64 hex characters)");

    public override void Write(Utf8JsonWriter writer, Sha256Digest value, JsonSerializerOptions options) => writer.WriteStringValue(value.Hex);
}

internal sealed class SystemIdJsonConverter : JsonConverter<SystemId>
{
    public override SystemId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        SystemId.TryParse(reader.GetString(), out var system) ? system : throw new JsonException("expected x86_64-linux or aarch64-linux");

    public override void Write(Utf8JsonWriter writer, SystemId value, JsonSerializerOptions options) => writer.WriteStringValue(value.Name);
}

internal sealed class ComponentIdJsonConverter : JsonConverter<ComponentId>
{
    public override ComponentId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        ComponentId.TryParse(reader.GetString(), out var id) ? id : throw new JsonException("expected a component name");

    public override void Write(Utf8JsonWriter writer, ComponentId value, JsonSerializerOptions options) => writer.WriteStringValue(value.Name);
}
