using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nvsdk.Testing;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Nvsdk.Core.Tests.Host.Cdi;

/// <summary>
/// Validates CDI specs against the CDI project's own JSON schema (tests/fixtures/cdi) with Debian's
/// python3-jsonschema, after reading the YAML with a real YAML parser and converting it to JSON.
/// </summary>
internal static class CdiSchema
{
    private static readonly string SchemaDir = Path.Combine(RepoPaths.Root, "tests", "fixtures", "cdi");

    // Works with jsonschema 4.10 (Debian 12: RefResolver) and with 4.18+ (the referencing library).
    private const string Validator = """
        import json, sys, jsonschema
        schema_path, defs_path, doc_path = sys.argv[1:4]
        schema = json.load(open(schema_path))
        defs = json.load(open(defs_path))
        doc = json.load(open(doc_path))
        base, defs_uri = "file://" + schema_path, "file://" + defs_path
        try:
            from referencing import Registry
            from referencing.jsonschema import DRAFT7
            registry = Registry().with_resources([(defs_uri, DRAFT7.create_resource(defs))])
            validator = jsonschema.Draft7Validator(dict(schema, **{"$id": base}), registry=registry)
        except ImportError:
            resolver = jsonschema.RefResolver(base_uri=base, referrer=schema, store={defs_uri: defs})
            validator = jsonschema.Draft7Validator(schema, resolver=resolver)
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        for e in errors:
            print("/".join(str(p) for p in e.absolute_path) + ": " + e.message)
        sys.exit(1 if errors else 0)
        """;

    /// <summary>The schema's complaints, one line each; empty when the spec is valid.</summary>
    public static async Task<string[]> ErrorsAsync(string yaml)
    {
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : ProcessRunner.Require("python3", "python3-jsonschema");
        using var dir = new TempDir("nvsdk-cdi-schema-");
        var doc = dir.Combine("spec.json");
        await File.WriteAllTextAsync(doc, ToJson(yaml));
        var result = await ProcessRunner.RunAsync(
            python,
            ["-c", Validator, Path.Combine(SchemaDir, "schema.json"), Path.Combine(SchemaDir, "defs.json"), doc]);
        if (result.ExitCode is not (0 or 1) || result.Stderr.Contains("Traceback", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the schema check did not run (apt-get install python3-jsonschema): {result}");
        }

        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
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
