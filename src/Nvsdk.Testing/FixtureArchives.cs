using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Testing;

/// <summary>
/// Builds small archives with NVIDIA's real file names and top-level layouts (redistrib
/// `&lt;pkg&gt;-linux-&lt;arch&gt;-&lt;ver&gt;-archive/`, the NCCL wheel's `nvidia/nccl/`, `TensorRT-&lt;ver&gt;/`,
/// `cutlass-&lt;ver&gt;/`, a makeself `.run` with `builds/&lt;component&gt;/`), for both systems. Each carries
/// <c>payloadBytes</c> of incompressible data so downloads take measurable time. Deterministic per seed.
/// </summary>
public static class FixtureArchives
{
    public static async Task<IReadOnlyList<FixtureArtifact>> BuildAsync(string dir, int payloadBytes = 64 * 1024, int seed = 1)
    {
        Directory.CreateDirectory(dir);
        var built = new List<FixtureArtifact>();
        foreach (var system in SystemId.All)
        {
            var arch = system == SystemId.X86_64Linux ? "x86_64" : "aarch64";
            var platform = system.NvidiaPlatform;
            var payload = Payload(payloadBytes, seed + built.Count);

            var cudnn = $"cudnn-{platform}-9.17.0.29_cuda13-archive";
            built.Add(await TarXzAsync(dir, "cudnn", "9.17.0.29", system, cudnn, new()
            {
                ["LICENSE"] = Text("cuDNN fixture licence"),
                ["include/cudnn.h"] = Text("#define CUDNN_MAJOR 9\n#define CUDNN_MINOR 17\n"),
                ["lib/libcudnn.so.9.17.0"] = payload,
            }));

            var cutensor = $"libcutensor-{platform}-2.4.1.4_cuda13-archive";
            built.Add(await TarXzAsync(dir, "cutensor", "2.4.1.4", system, cutensor, new()
            {
                ["LICENSE"] = Text("cuTENSOR fixture licence"),
                ["include/cutensor.h"] = Text("#define CUTENSOR_MAJOR 2\n"),
                ["lib/libcutensor.so.2.4.1"] = Payload(payloadBytes, seed + 100 + built.Count),
            }));

            var trt = $"TensorRT-10.15.1.29.Linux.{arch}-gnu.cuda-13.1.tar.gz";
            built.Add(TarGz(dir, "tensorrt", "10.15.1.29", system, trt, "TensorRT-10.15.1.29", new()
            {
                ["include/NvInfer.h"] = Text("#define NV_TENSORRT_MAJOR 10\n"),
                ["lib/libnvinfer.so.10.15.1"] = Payload(payloadBytes, seed + 200 + built.Count),
            }));

            var wheel = $"nvidia_nccl_cu12-2.28.9-py3-none-manylinux_2_18_{arch}.whl";
            built.Add(Wheel(dir, system, wheel, Payload(payloadBytes, seed + 300 + built.Count)));

            var run = system == SystemId.X86_64Linux ? "cuda_13.1.0_590.44.01_linux.run" : "cuda_13.1.0_590.44.01_linux_sbsa.run";
            built.Add(await MakeselfAsync(dir, system, run, Payload(payloadBytes, seed + 400 + built.Count)));
        }

        built.Add(TarGz(dir, "cutlass", "4.3.3", null, "cutlass-4.3.3.tar.gz", "cutlass-4.3.3", new()
        {
            ["include/cutlass/cutlass.h"] = Text("#define CUTLASS_MAJOR 4\n"),
            ["LICENSE.txt"] = Text("BSD-3-Clause"),
        }));
        return built;
    }

    public static byte[] Payload(int bytes, int seed)
    {
        var data = new byte[bytes];
        new Random(seed).NextBytes(data);
        return data;
    }

    private static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

    private static async Task<FixtureArtifact> TarXzAsync(string dir, string component, string version, SystemId system, string top, Dictionary<string, byte[]> files)
    {
        var tar = Path.Combine(dir, top + ".tar");
        using (var stream = File.Create(tar))
        {
            WriteTar(stream, top, files);
        }

        var xz = await ProcessRunner.RunAsync(ProcessRunner.Require("xz", "xz-utils"), ["-f", "-T1", "-3", tar]);
        if (xz.ExitCode != 0)
        {
            throw new InvalidOperationException($"xz failed: {xz}");
        }

        return Describe(dir, component, version, system, top + ".tar.xz", "tar.xz");
    }

    private static FixtureArtifact TarGz(string dir, string component, string version, SystemId? system, string file, string top, Dictionary<string, byte[]> files)
    {
        using (var stream = File.Create(Path.Combine(dir, file)))
        using (var gz = new GZipStream(stream, CompressionLevel.Fastest))
        {
            WriteTar(gz, top, files);
        }

        return Describe(dir, component, version, system, file, "tar.gz");
    }

    private static void WriteTar(Stream stream, string top, Dictionary<string, byte[]> files)
    {
        using var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true);
        var dirs = new SortedSet<string>(StringComparer.Ordinal) { top + "/" };
        foreach (var name in files.Keys)
        {
            var parts = name.Split('/');
            for (var i = 1; i < parts.Length; i++)
            {
                dirs.Add($"{top}/{string.Join('/', parts[..i])}/");
            }
        }

        foreach (var d in dirs)
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, d) { Mode = (UnixFileMode)0b111_101_101, ModificationTime = Epoch });
        }

        foreach (var (name, bytes) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var mode = name.StartsWith("bin/", StringComparison.Ordinal) ? 0b111_101_101 : 0b110_100_100;
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"{top}/{name}")
            {
                Mode = (UnixFileMode)mode,
                ModificationTime = Epoch,
                DataStream = new MemoryStream(bytes),
            });
        }
    }

    private static readonly DateTimeOffset Epoch = new(2025, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static FixtureArtifact Wheel(string dir, SystemId system, string file, byte[] payload)
    {
        using (var stream = File.Create(Path.Combine(dir, file)))
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create))
        {
            void Add(string name, byte[] bytes)
            {
                var entry = zip.CreateEntry(name, CompressionLevel.Fastest);
                entry.LastWriteTime = Epoch;
                using var s = entry.Open();
                s.Write(bytes);
            }

            Add("nvidia/nccl/include/nccl.h", Text("#define NCCL_MAJOR 2\n#define NCCL_MINOR 28\n"));
            Add("nvidia/nccl/lib/libnccl.so.2", payload);
            Add("nvidia_nccl_cu12-2.28.9.dist-info/METADATA", Text("Metadata-Version: 2.1\nName: nvidia-nccl-cu12\nVersion: 2.28.9\n"));
            Add("nvidia_nccl_cu12-2.28.9.dist-info/WHEEL", Text("Wheel-Version: 1.0\nRoot-Is-Purelib: true\n"));
        }

        return Describe(dir, "nccl", "2.28.9", system, file, "wheel");
    }

    /// <summary>A real makeself archive (Debian's makeself), laid out like the CUDA runfile's builds/ tree.</summary>
    private static async Task<FixtureArtifact> MakeselfAsync(string dir, SystemId system, string file, byte[] payload)
    {
        var makeself = ProcessRunner.Which("makeself") ?? ProcessRunner.Which("makeself.sh")
            ?? throw new InvalidOperationException("makeself is not installed: apt-get install makeself (scripts/test.sh installs it)");
        var content = Path.Combine(dir, file + ".d");
        var files = new Dictionary<string, byte[]>
        {
            ["builds/cuda_nvcc/bin/nvcc"] = Text("#!/bin/sh\necho 'nvcc fixture: Cuda compilation tools, release 13.1'\n"),
            ["builds/cuda_cudart/include/cuda_runtime.h"] = Text("#define CUDART_VERSION 13010\n"),
            ["builds/cuda_cudart/lib64/libcudart.so.13.1.80"] = payload,
            ["builds/EULA.txt"] = Text("CUDA fixture EULA"),
            ["cuda-installer"] = Text("#!/bin/sh\necho 'fixture installer: nvsdk never runs this'\nexit 1\n"),
        };
        foreach (var (name, bytes) in files)
        {
            var path = Path.Combine(content, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, bytes);
            if (name.EndsWith("nvcc", StringComparison.Ordinal) || name == "cuda-installer")
            {
                File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
            }
        }

        var result = await ProcessRunner.RunAsync(
            makeself,
            ["--gzip", "--nox11", "--nomd5", "--nocrc", "--tar-quietly", content, Path.Combine(dir, file), "CUDA fixture installer", "./cuda-installer"]);
        Directory.Delete(content, recursive: true);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"makeself failed: {result}");
        }

        return Describe(dir, "cuda", "13.1.0", system, file, "makeself");
    }

    private static FixtureArtifact Describe(string dir, string component, string version, SystemId? system, string file, string format)
    {
        var path = Path.Combine(dir, file);
        using var stream = File.OpenRead(path);
        var digest = Sha256Digest.FromHash(SHA256.HashData(stream));
        IReadOnlyList<SystemId> systems = system is { } s ? [s] : SystemId.All;
        return new FixtureArtifact(component, version, systems, file, format, digest, new FileInfo(path).Length, path);
    }
}

/// <summary>One built fixture file and what the lock must say about it.</summary>
public sealed record FixtureArtifact(
    string Component,
    string Version,
    IReadOnlyList<SystemId> Systems,
    string FileName,
    string Format,
    Sha256Digest Sha256,
    long Size,
    string Path);
