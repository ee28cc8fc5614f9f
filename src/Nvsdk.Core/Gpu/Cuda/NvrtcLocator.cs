using Nvsdk.Core.Sdk;
using Nvsdk.Core.Store;

namespace Nvsdk.Core.Gpu.Cuda;

/// <summary>
/// Where libnvrtc is looked for, in order: the current nvsdk generation, $CUDA_PATH, $CUDA_HOME, the
/// conventional /usr/local/cuda (lib64, then each targets/&lt;triple&gt;/lib), and last the loader's own search
/// (LD_LIBRARY_PATH, ld.so.cache) by name. Within a folder the unversioned development name comes first,
/// then the CUDA 13 and CUDA 12 SONAMEs (a runtime-only install has no libnvrtc.so symlink).
/// </summary>
internal static class NvrtcLocator
{
    public const string ConventionalCudaRoot = "/usr/local/cuda";

    /// <summary>File names tried in every folder, and by name through the loader at the end.</summary>
    public static IReadOnlyList<string> FileNames { get; } = ["libnvrtc.so", "libnvrtc.so.13", "libnvrtc.so.12"];

    /// <summary>Candidates for this process: the store root's current generation and the real environment.</summary>
    public static IReadOnlyList<string> Candidates(string storeRoot) =>
        Candidates(SearchDirectories(storeRoot, Environment.GetEnvironmentVariable, ConventionalCudaRoot));

    /// <summary>
    /// The folders to look in, in order, without duplicates. Only <paramref name="cudaRoot"/>/targets is read
    /// (to expand targets/*); everything else is a function of the arguments.
    /// </summary>
    public static IReadOnlyList<string> SearchDirectories(string? storeRoot, Func<string, string?> environment, string cudaRoot)
    {
        var dirs = new List<string>();
        if (!string.IsNullOrEmpty(storeRoot))
        {
            dirs.Add(Path.Combine(new Generations(new StoreLayout(storeRoot)).CurrentLink, "lib64"));
        }

        foreach (var variable in (string[])["CUDA_PATH", "CUDA_HOME"])
        {
            if (environment(variable) is { Length: > 0 } home)
            {
                dirs.Add(Path.Combine(home, "lib64"));
            }
        }

        dirs.Add(Path.Combine(cudaRoot, "lib64"));
        var targets = Path.Combine(cudaRoot, "targets");
        if (Directory.Exists(targets))
        {
            dirs.AddRange(Directory.GetDirectories(targets).Order(StringComparer.Ordinal).Select(t => Path.Combine(t, "lib")));
        }

        return dirs.Select(d => Path.TrimEndingDirectorySeparator(Path.GetFullPath(d))).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The files that exist in <paramref name="directories"/> (in order), then the bare names for the loader.</summary>
    public static IReadOnlyList<string> Candidates(IEnumerable<string> directories) =>
        directories
            .SelectMany(d => FileNames.Select(f => Path.Combine(d, f)))
            .Where(File.Exists)
            .Concat(FileNames)
            .ToList();
}
