using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nvsdk.Testing;

/// <summary>Writes a lock file for fixture artifacts, with the sources a test chooses (mirror first).</summary>
public static class FixtureLock
{
    private static readonly Dictionary<string, int?> CudaMajor = new(StringComparer.Ordinal)
    {
        ["cuda"] = 13,
        ["cudnn"] = 13,
        ["nccl"] = 12,
        ["tensorrt"] = 13,
        ["cutensor"] = 13,
        ["cutlass"] = null,
    };

    /// <summary>The licence each component's real lock entry names (nvsdk.lock.json), so the licence gate sees real ones.</summary>
    private static readonly Dictionary<string, string> License = new(StringComparer.Ordinal)
    {
        ["cuda"] = "NVIDIA CUDA Toolkit EULA",
        ["cudnn"] = "NVIDIA cuDNN Software License Agreement",
        ["nccl"] = "NVIDIA NCCL License (BSD-3-Clause)",
        ["tensorrt"] = "NVIDIA TensorRT License Agreement",
        ["cutensor"] = "NVIDIA cuTENSOR Software License Agreement",
        ["cutlass"] = "BSD-3-Clause",
    };

    /// <summary>
    /// <paramref name="sources"/> maps a fixture to its (url, role) list. <paramref name="corrupt"/> pins a wrong
    /// digest for the named files, for mismatch tests.
    /// </summary>
    public static string Write(
        string path,
        IReadOnlyList<FixtureArtifact> artifacts,
        Func<FixtureArtifact, IEnumerable<(string Url, string Role)>> sources,
        bool withSizes = true,
        ISet<string>? corrupt = null)
    {
        var components = new JsonArray();
        foreach (var group in artifacts.GroupBy(a => a.Component))
        {
            var list = new JsonArray();
            foreach (var a in group)
            {
                var digest = corrupt?.Contains(a.FileName) == true ? new string('0', 64) : a.Sha256.Hex;
                list.Add(new JsonObject
                {
                    ["file"] = a.FileName,
                    ["systems"] = new JsonArray(a.Systems.Select(s => (JsonNode)JsonValue.Create(s.Name)!).ToArray()),
                    ["format"] = a.Format,
                    ["sha256"] = digest,
                    ["size"] = withSizes ? a.Size : null,
                    ["sources"] = new JsonArray(sources(a).Select(s => (JsonNode)new JsonObject { ["url"] = s.Url, ["role"] = s.Role }).ToArray()),
                });
            }

            var component = new JsonObject
            {
                ["name"] = group.Key,
                ["version"] = group.First().Version,
                ["license"] = FixtureCudaPackages.IsPackage(group.Key) ? License["cuda"] : License.GetValueOrDefault(group.Key, "fixture"),
            };
            if (FixtureCudaPackages.IsPackage(group.Key))
            {
                component["provides"] = new JsonArray(group.Key, "cuda"); // as the shipped lock: `install cuda` is the whole toolkit
            }

            if ((FixtureCudaPackages.IsPackage(group.Key) ? 13 : CudaMajor.GetValueOrDefault(group.Key)) is { } major)
            {
                component["cudaMajor"] = major;
            }

            component["artifacts"] = list;
            components.Add(component);
        }

        // The runfile form pins CUDA 13.1.0 (driver 590.44.01), the redistrib form 13.1.1 (590.48.01), as the real locks do.
        var runfile = artifacts.Any(a => a.Component == "cuda");
        var root = new JsonObject
        {
            ["lockVersion"] = 1,
            ["sdk"] = new JsonObject
            {
                ["cuda"] = runfile ? FixtureArchives.RunfileRelease : FixtureArchives.RedistribRelease,
                ["driver"] = runfile ? FixtureArchives.RunfileDriver : FixtureArchives.RedistribDriver,
            },
            ["systems"] = new JsonArray("x86_64-linux", "aarch64-linux"),
            ["components"] = components,
        };
        File.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return path;
    }
}
