using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Nvsdk.Core.Gpu.Doctor;

/// <summary>The parts of a CDI spec doctor checks: its kind and the device names (YAML or JSON, which is YAML).</summary>
internal static class CdiSpecReader
{
    public static (string? Kind, IReadOnlyList<string> Devices, string? Error) Read(string text)
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            {
                return (null, [], "not a YAML mapping");
            }

            var kind = root.Children.TryGetValue(new YamlScalarNode("kind"), out var k) ? (k as YamlScalarNode)?.Value : null;
            var devices = new List<string>();
            if (root.Children.TryGetValue(new YamlScalarNode("devices"), out var d) && d is YamlSequenceNode list)
            {
                foreach (var device in list.OfType<YamlMappingNode>())
                {
                    if (device.Children.TryGetValue(new YamlScalarNode("name"), out var name) && name is YamlScalarNode { Value: { } value })
                    {
                        devices.Add(value);
                    }
                }
            }

            return (kind, devices, kind is null ? "no kind" : null);
        }
        catch (YamlException e)
        {
            return (null, [], $"line {e.Start.Line}: {e.Message}");
        }
    }
}
