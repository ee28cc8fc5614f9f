using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Nvsdk.Testing;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Nvsdk.Core.Tests.Host.Cdi;

/// <summary>
/// Validates CDI specs against the CDI project's own JSON schema (tests/fixtures/cdi: schema.json and the defs.json it
/// refers to) with JsonSchema.Net, after reading the YAML with a real YAML parser and converting it to JSON.
/// </summary>
internal static class CdiSchema
{
    private static readonly string SchemaDir = Path.Combine(RepoPaths.Root, "tests", "fixtures", "cdi");

    private static readonly Lazy<JsonSchema> Spec = new(Load);

    /// <summary>The schema's complaints, "instance location: keyword: message" each; empty when the spec is valid.</summary>
    public static IReadOnlyList<string> Errors(string yaml)
    {
        using var document = JsonDocument.Parse(ToJson(yaml));
        return SchemaErrors.Of(Spec.Value, document.RootElement);
    }

    /// <summary>
    /// schema.json refers to "defs.json#/definitions/…" relative to itself; neither file has an $id, so both get one
    /// in the same folder (as the CDI library loads them side by side) and are built into one registry.
    /// </summary>
    private static JsonSchema Load()
    {
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        JsonSchema Build(string name)
        {
            // $schema first: the dialect (draft-07, which has "definitions") is read before the other keywords.
            var file = JsonNode.Parse(File.ReadAllText(Path.Combine(SchemaDir, name)))!.AsObject();
            var node = new JsonObject { ["$schema"] = "http://json-schema.org/draft-07/schema#", ["$id"] = $"https://cdi.test/schema/{name}" };
            foreach (var (key, value) in file.Where(kv => kv.Key is not ("$schema" or "$id")).ToList())
            {
                file.Remove(key);
                node[key] = value;
            }

            return JsonSchema.FromText(node.ToJsonString(), options);
        }

        Build("defs.json");
        return Build("schema.json");
    }

    /// <summary>YAML read by YamlDotNet, as JSON: quoted scalars are strings; plain ones are numbers, booleans or null when they look like one.</summary>
    public static string ToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        Assert.Single(stream.Documents);
        return Convert(stream.Documents[0].RootNode)?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) ?? "null";
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, Convert(kv.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(Convert).ToArray()),
        YamlScalarNode { Style: ScalarStyle.Plain } s when s.Value is "null" or "~" or "" => null,
        YamlScalarNode { Style: ScalarStyle.Plain } s when s.Value is "true" or "false" => JsonValue.Create(s.Value == "true"),
        YamlScalarNode { Style: ScalarStyle.Plain } s when long.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => JsonValue.Create(n),
        YamlScalarNode s => JsonValue.Create(s.Value),
        _ => throw new InvalidOperationException($"unexpected YAML node {node.NodeType}"),
    };
}
