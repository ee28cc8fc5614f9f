using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Sdk;

/// <summary>
/// Where each file of a component tree goes in the unified SDK (design §5): bin/, include/ (with CUDA's
/// targets/&lt;triple&gt;/include merged in), lib64/ (from lib/, lib64/ and targets/&lt;triple&gt;/lib), nvvm/,
/// share/licenses/LICENSE-&lt;component&gt;.txt (also a doc/ licence such as TensorRT's SLA); other top-level files go to share/doc/&lt;component&gt;/.
/// </summary>
public static class SdkPaths
{
    /// <summary>CUDA's name for a system's target folder: targets/x86_64-linux or targets/sbsa-linux.</summary>
    public static string Triple(SystemId system) => system == SystemId.Aarch64Linux ? "sbsa-linux" : "x86_64-linux";

    public static string? Map(string path, string component, bool isDirectory)
    {
        var parts = path.Split('/');
        if (parts.Length == 1 && !isDirectory)
        {
            var upper = path.ToUpperInvariant();
            return upper.StartsWith("LICENSE", StringComparison.Ordinal) || upper.StartsWith("EULA", StringComparison.Ordinal) || upper.StartsWith("COPYING", StringComparison.Ordinal)
                ? $"share/licenses/LICENSE-{component}.txt"
                : $"share/doc/{component}/{path}";
        }

        switch (parts[0])
        {
            case "doc" when parts.Length == 2 && !isDirectory && IsLicenseName(parts[1]):
                return $"share/licenses/LICENSE-{component}{Path.GetExtension(parts[1])}"; // TensorRT keeps its SLA in doc/
            case "lib" or "lib64":
                return Join("lib64", parts, 1);
            case "targets":
                if (parts.Length < 3)
                {
                    return null; // targets/ and targets/<triple> themselves: the generation makes its own
                }

                return parts[2] switch
                {
                    "include" => Join("include", parts, 3),
                    "lib" or "lib64" => Join("lib64", parts, 3),
                    _ => path,
                };
            default:
                return path;
        }
    }

    /// <summary>TensorRT-SLA.pdf, LICENSE.txt, NVIDIA-EULA.txt: a licence text, not documentation.</summary>
    private static bool IsLicenseName(string name)
    {
        var upper = Path.GetFileNameWithoutExtension(name).ToUpperInvariant();
        return upper.Contains("LICENSE", StringComparison.Ordinal) || upper.Contains("EULA", StringComparison.Ordinal) || upper.EndsWith("-SLA", StringComparison.Ordinal) || upper == "SLA";
    }

    private static string Join(string head, string[] parts, int from) =>
        from >= parts.Length ? head : head + "/" + string.Join('/', parts[from..]);
}
