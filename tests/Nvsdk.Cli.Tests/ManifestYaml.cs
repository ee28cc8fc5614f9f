using YamlDotNet.RepresentationModel;

namespace Nvsdk.Cli.Tests;

/// <summary>The Kubernetes manifests under deploy/kubernetes as YAML documents, with small path helpers.</summary>
internal static class ManifestYaml
{
    public static string Dir => Path.Combine(Testing.RepoPaths.Root, "deploy", "kubernetes");

    public static IEnumerable<string> Files => Directory.EnumerateFiles(Dir, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    /// <summary>Every document of every manifest, with the file it came from; a parse error throws.</summary>
    public static List<(string File, YamlMappingNode Doc)> Load()
    {
        var docs = new List<(string, YamlMappingNode)>();
        foreach (var file in Files)
        {
            var stream = new YamlStream();
            using (var reader = new StreamReader(file))
            {
                stream.Load(reader);
            }

            foreach (var doc in stream.Documents)
            {
                docs.Add((Path.GetRelativePath(Dir, file), doc.RootNode as YamlMappingNode ?? throw new InvalidDataException($"{file}: a document is not a mapping")));
            }
        }

        return docs;
    }

    public static YamlNode? At(this YamlNode node, params string[] path)
    {
        var current = node;
        foreach (var key in path)
        {
            if (current is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var next))
            {
                return null;
            }

            current = next;
        }

        return current;
    }

    public static string? Text(this YamlNode node, params string[] path) => (node.At(path) as YamlScalarNode)?.Value;

    public static IEnumerable<YamlNode> Items(this YamlNode node, params string[] path) =>
        node.At(path) is YamlSequenceNode seq ? seq.Children : [];

    public static Dictionary<string, string> Map(this YamlNode node, params string[] path) =>
        node.At(path) is YamlMappingNode map
            ? map.Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => (c.Value as YamlScalarNode)?.Value ?? string.Empty, StringComparer.Ordinal)
            : [];

    public static List<string> Strings(this YamlNode node, params string[] path) =>
        node.Items(path).Select(i => ((YamlScalarNode)i).Value ?? string.Empty).ToList();
}
