using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Nvsdk.Cli.Output;

internal static class JsonOut
{
    public static void Write<T>(T value, JsonTypeInfo<T> type) => Console.Out.WriteLine(JsonSerializer.Serialize(value, type));
}
