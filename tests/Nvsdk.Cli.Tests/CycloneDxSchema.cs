using System.Text.Json;
using Json.Schema;
using Nvsdk.Testing;

namespace Nvsdk.Cli.Tests;

/// <summary>
/// CycloneDX's published 1.6 JSON schema (tests/fixtures/cyclonedx, vendored with its source) evaluated by
/// JsonSchema.Net: the BOM is checked by the format's own definition, not by our reading of it.
/// </summary>
internal static class CycloneDxSchema
{
    private static readonly Lazy<JsonSchema> Bom = new(Load);

    /// <summary>Every failing keyword, "instance location: keyword: message"; empty when the document is valid.</summary>
    public static IReadOnlyList<string> Errors(string json)
    {
        using var document = JsonDocument.Parse(json);
        return SchemaErrors.Of(Bom.Value, document.RootElement);
    }

    private static JsonSchema Load()
    {
        var dir = Path.Combine(RepoPaths.Root, "tests", "fixtures", "cyclonedx");
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };

        // bom-1.6 refers to these two by their $id (http://cyclonedx.org/schema/…); built into the same registry.
        foreach (var referenced in new[] { "spdx.schema.json", "jsf-0.82.schema.json" })
        {
            JsonSchema.FromText(File.ReadAllText(Path.Combine(dir, referenced)), options);
        }

        return JsonSchema.FromText(File.ReadAllText(Path.Combine(dir, "bom-1.6.schema.json")), options);
    }
}
