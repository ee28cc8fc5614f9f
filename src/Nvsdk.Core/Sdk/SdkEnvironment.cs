using System.Text;
using Nvsdk.Core.Gpu.Cuda;

namespace Nvsdk.Core.Sdk;

/// <summary>
/// The environment an SDK generation needs (the seed's env hook): variables set outright, and search paths
/// put in front of whatever the user already has. One model for `env`, `env --json`, `shell`, the env
/// script and the modulefiles.
/// </summary>
public sealed record SdkEnvironment(IReadOnlyList<KeyValuePair<string, string>> Set, IReadOnlyList<KeyValuePair<string, string>> Prepend)
{
    /// <param name="root">The generation's root (usually the stable `current` link).</param>
    /// <param name="components">The components the generation holds (CUDNN_HOME and the like follow from them).</param>
    /// <param name="targets">The GPU architectures to build for (CUDAARCHS, TORCH_CUDA_ARCH_LIST); none when unknown.</param>
    public static SdkEnvironment For(string root, IEnumerable<string> components, TargetArchitectures? targets = null)
    {
        var names = components.ToHashSet(StringComparer.Ordinal);
        var set = new List<KeyValuePair<string, string>>
        {
            new("CUDA_HOME", root),
            new("CUDA_PATH", root),
        };
        if (names.Contains("cudnn"))
        {
            set.Add(new("CUDNN_HOME", root));
        }

        if (names.Contains("tensorrt"))
        {
            set.Add(new("TENSORRT_HOME", root));
        }

        if (names.Contains("cutlass"))
        {
            set.Add(new("CUTLASS_PATH", root));
        }

        set.AddRange(targets?.Variables() ?? []);

        var prepend = new List<KeyValuePair<string, string>>
        {
            new("PATH", $"{root}/bin"),
            new("LD_LIBRARY_PATH", $"{root}/lib64"),
            new("LIBRARY_PATH", $"{root}/lib64"),
            new("CPATH", $"{root}/include"),
            new("PKG_CONFIG_PATH", $"{root}/lib64/pkgconfig"),
        };
        return new SdkEnvironment(set, prepend);
    }

    /// <summary>POSIX shell lines: `export X='…'`, and `export PATH='…'"${PATH:+:$PATH}"` for search paths.</summary>
    public string ToShell()
    {
        var text = new StringBuilder();
        foreach (var (name, value) in Set)
        {
            text.Append($"export {name}={Quote(value)}\n");
        }

        foreach (var (name, value) in Prepend)
        {
            text.Append($"export {name}={Quote(value)}\"${{{name}:+:${name}}}\"\n");
        }

        return text.ToString();
    }

    /// <summary>The variables applied to an existing environment (for `shell`).</summary>
    public IReadOnlyDictionary<string, string> ApplyTo(IReadOnlyDictionary<string, string?> current)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in Set)
        {
            result[name] = value;
        }

        foreach (var (name, value) in Prepend)
        {
            result[name] = current.TryGetValue(name, out var old) && !string.IsNullOrEmpty(old) ? $"{value}:{old}" : value;
        }

        return result;
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
