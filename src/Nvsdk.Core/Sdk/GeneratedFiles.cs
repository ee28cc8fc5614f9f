using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Nvsdk.Core.Sdk;

/// <summary>
/// The files a generation adds to the linked tree: version.json, pkg-config files with the real prefix
/// (the seed's cuda.pc said `prefix=$out` literally), the env script, and Lmod (Lua) and TCL modulefiles.
/// </summary>
internal static class GeneratedFiles
{
    /// <summary>pkg-config name → (library, component it comes from). CUDA libraries get the CUDA version in the name.</summary>
    private static readonly (string Pc, string Library, string Description, bool CudaVersioned)[] Libraries =
    [
        ("cudart", "cudart", "CUDA Runtime Library", true),
        ("nvrtc", "nvrtc", "NVIDIA Runtime Compilation Library", true),
        ("cublas", "cublas", "CUDA BLAS Library", true),
        ("cublasLt", "cublasLt", "CUDA BLAS Lt Library", true),
        ("cufft", "cufft", "CUDA FFT Library", true),
        ("curand", "curand", "CUDA Random Number Generation Library", true),
        ("cusolver", "cusolver", "CUDA Linear Solver Library", true),
        ("cusparse", "cusparse", "CUDA Sparse Matrix Library", true),
        ("nvjitlink", "nvJitLink", "NVIDIA JIT Link Library", true),
        ("cudnn", "cudnn", "NVIDIA cuDNN", false),
        ("nccl", "nccl", "NVIDIA Collective Communications Library", false),
        ("nvinfer", "nvinfer", "NVIDIA TensorRT", false),
        ("cutensor", "cutensor", "NVIDIA cuTENSOR", false),
    ];

    public static void Write(string staging, string finalRoot, GenerationRecord record, Gpu.Cuda.TargetArchitectures? targets = null)
    {
        var versions = record.Components.ToDictionary(c => c.Name, c => c.Version, StringComparer.Ordinal);
        var json = JsonSerializer.Serialize(new VersionJson(record.CudaVersion, record.System, record.Number, new SortedDictionary<string, string>(versions, StringComparer.Ordinal)), SdkJsonContext.Default.VersionJson);
        File.WriteAllText(Path.Combine(staging, "version.json"), json + "\n");
        WritePkgConfig(staging, finalRoot, record, versions);
        var environment = SdkEnvironment.For(finalRoot, versions.Keys, targets);
        File.WriteAllText(Path.Combine(staging, "nvsdk-env.sh"), $"# nvsdk generation {record.Number}: source this file to use the SDK\n{environment.ToShell()}");
        WriteModulefiles(staging, record, environment);
    }

    private static void WritePkgConfig(string staging, string finalRoot, GenerationRecord record, Dictionary<string, string> versions)
    {
        var dir = Path.Combine(staging, "lib64", "pkgconfig");
        Directory.CreateDirectory(dir);
        var cuda = ShortVersion(record.CudaVersion);
        var written = new List<string>();
        void Pc(string name, string description, string version, string libs)
        {
            var text = $$"""
                prefix={{finalRoot}}
                libdir=${prefix}/lib64
                includedir=${prefix}/include

                Name: {{name}}
                Description: {{description}}
                Version: {{version}}
                Libs: {{libs}}
                Cflags: -I${includedir}

                """;
            File.WriteAllText(Path.Combine(dir, name + ".pc"), text);
            written.Add(name);
        }

        var lib64 = Path.Combine(staging, "lib64");
        if (File.Exists(Path.Combine(lib64, "stubs", "libcuda.so")))
        {
            Pc($"cuda-{cuda}", "CUDA Driver Library (links against the stub; the driver provides libcuda.so.1 at run time)", record.CudaVersion, "-L${libdir}/stubs -lcuda");
        }

        foreach (var (pc, library, description, cudaVersioned) in Libraries)
        {
            if (!File.Exists(Path.Combine(lib64, $"lib{library}.so")))
            {
                continue;
            }

            var owner = versions.FirstOrDefault(v => v.Key.Contains(pc, StringComparison.OrdinalIgnoreCase) || (pc == "nvinfer" && v.Key == "tensorrt"));
            var name = cudaVersioned ? $"{pc}-{cuda}" : pc;
            var version = cudaVersioned ? record.CudaVersion : owner.Value ?? record.CudaVersion;
            Pc(name, description, version, $"-L${{libdir}} -l{library}");
        }

        var requires = string.Join(", ", written);
        File.WriteAllText(Path.Combine(dir, "nvidia-sdk.pc"), $$"""
            prefix={{finalRoot}}
            includedir=${prefix}/include

            Name: nvidia-sdk
            Description: NVIDIA CUDA SDK assembled by nvsdk (generation {{record.Number.ToString(CultureInfo.InvariantCulture)}})
            Version: {{record.CudaVersion}}
            Requires: {{requires}}
            Cflags: -I${includedir}

            """);
    }

    private static void WriteModulefiles(string staging, GenerationRecord record, SdkEnvironment environment)
    {
        var lua = new StringBuilder();
        lua.Append($"-- nvsdk generation {record.Number}: NVIDIA CUDA SDK {record.CudaVersion} ({record.System})\n");
        lua.Append($"whatis(\"NVIDIA CUDA SDK {record.CudaVersion}, nvsdk generation {record.Number}\")\n");
        lua.Append("family(\"cuda\")\n");
        foreach (var (name, value) in environment.Set)
        {
            lua.Append($"setenv(\"{name}\", \"{value}\")\n");
        }

        foreach (var (name, value) in environment.Prepend)
        {
            lua.Append($"prepend_path(\"{name}\", \"{value}\")\n");
        }

        var luaDir = Path.Combine(staging, "share", "modulefiles", "lua", "nvidia-sdk");
        Directory.CreateDirectory(luaDir);
        File.WriteAllText(Path.Combine(luaDir, record.CudaVersion + ".lua"), lua.ToString());

        var tcl = new StringBuilder("#%Module1.0\n");
        tcl.Append($"## nvsdk generation {record.Number}: NVIDIA CUDA SDK {record.CudaVersion} ({record.System})\n");
        tcl.Append($"module-whatis \"NVIDIA CUDA SDK {record.CudaVersion}, nvsdk generation {record.Number}\"\n");
        tcl.Append("conflict cuda\n");
        foreach (var (name, value) in environment.Set)
        {
            tcl.Append($"setenv {name} \"{value}\"\n");
        }

        foreach (var (name, value) in environment.Prepend)
        {
            tcl.Append($"prepend-path {name} \"{value}\"\n");
        }

        var tclDir = Path.Combine(staging, "share", "modulefiles", "tcl", "nvidia-sdk");
        Directory.CreateDirectory(tclDir);
        File.WriteAllText(Path.Combine(tclDir, record.CudaVersion), tcl.ToString());
    }

    /// <summary>"13.1.0" → "13.1", as NVIDIA names its pkg-config files.</summary>
    public static string ShortVersion(string version)
    {
        var parts = version.Split('.');
        return parts.Length >= 2 ? $"{parts[0]}.{parts[1]}" : version;
    }
}
