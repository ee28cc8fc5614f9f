using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Nvsdk.Cli.Output;

/// <summary>
/// Every --json document goes out here: indented, and escaped only where JSON requires it, so a path with
/// an apostrophe reads `'` and not `\u0027` (the writer's encoder wins over the context's).
/// </summary>
internal static class JsonOut
{
    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write<T>(T value, JsonTypeInfo<T> type) => Console.Out.WriteLine(Serialize(value, type));

    public static string Serialize<T>(T value, JsonTypeInfo<T> type)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            JsonSerializer.Serialize(writer, value, type);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
