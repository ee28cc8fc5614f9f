using System.Globalization;
using System.Text.Json;

namespace Nvsdk.Core.LockFile;

/// <summary>
/// A JSON element plus its path ($.components[2].artifacts[0]) and the list problems go to.
/// Every accessor reports a wrong type instead of throwing, so parsing can go on and find the rest.
/// </summary>
internal sealed class JsonNode(JsonElement element, string path, List<LockDiagnostic> sink)
{
    public string Path { get; } = path;

    public bool IsNull => element.ValueKind == JsonValueKind.Null;

    public void Report(string code, string? key, string message) =>
        sink.Add(new LockDiagnostic(DiagnosticSeverity.Error, code, key is null ? Path : $"{Path}.{key}", message));

    /// <summary>Checks this is an object and has no keys other than <paramref name="allowed"/>.</summary>
    public bool ExpectObject(params string[] allowed)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            Report("type", null, $"expected an object, found {Describe(element.ValueKind)}");
            return false;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            // JSON lets a key repeat and readers disagree on which wins; a reviewer must see the value we use.
            if (!seen.Add(property.Name))
            {
                Report("duplicate-key", property.Name, "this key appears twice in the same object; keep one");
            }
            else if (!allowed.Contains(property.Name, StringComparer.Ordinal))
            {
                Report("unknown-key", property.Name, $"unknown key; allowed here: {string.Join(", ", allowed)}");
            }
        }

        return true;
    }

    public JsonNode? Required(string key)
    {
        if (element.TryGetProperty(key, out var value))
        {
            return new JsonNode(value, $"{Path}.{key}", sink);
        }

        Report("missing", key, "required key is missing");
        return null;
    }

    public JsonNode? Optional(string key) =>
        element.TryGetProperty(key, out var value) ? new JsonNode(value, $"{Path}.{key}", sink) : null;

    public string? String()
    {
        if (element.ValueKind == JsonValueKind.String)
        {
            return element.GetString();
        }

        Report("type", null, $"expected a string, found {Describe(element.ValueKind)}");
        return null;
    }

    public string? NonEmptyString()
    {
        var text = String();
        if (text is not null && string.IsNullOrWhiteSpace(text))
        {
            Report("empty", null, "must not be empty");
            return null;
        }

        return text;
    }

    public int? Int32()
    {
        if (element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var value))
        {
            return value;
        }

        Report("type", null, $"expected a whole number, found {Describe(element.ValueKind)}");
        return null;
    }

    public long? Int64()
    {
        if (element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var value))
        {
            return value;
        }

        Report("type", null, $"expected a whole number, found {Describe(element.ValueKind)}");
        return null;
    }

    public List<T?> Array<T>(Func<JsonNode, T?> parseItem)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            Report("type", null, $"expected an array, found {Describe(element.ValueKind)}");
            return [];
        }

        var items = new List<T?>();
        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            items.Add(parseItem(new JsonNode(item, $"{Path}[{index.ToString(CultureInfo.InvariantCulture)}]", sink)));
            index++;
        }

        return items;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
