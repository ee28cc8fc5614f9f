using System.Text.Json;
using Json.Schema;

namespace Nvsdk.Testing;

/// <summary>A document evaluated by a format's own JSON schema (JsonSchema.Net): the complaints, one line each.</summary>
public static class SchemaErrors
{
    /// <summary>Every failing keyword, "instance location: keyword: message"; empty when the document is valid.</summary>
    public static IReadOnlyList<string> Of(JsonSchema schema, JsonElement document)
    {
        var results = schema.Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return [];
        }

        var errors = (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"))
            .ToList();
        return errors.Count > 0 ? errors : ["invalid (no details)"];
    }
}
