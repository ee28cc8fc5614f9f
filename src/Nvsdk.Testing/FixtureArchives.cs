using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Testing;

/// <summary>
/// Builds the SDK's artifacts as small archives with NVIDIA's real file names and layouts, for both systems:
/// redistrib tar.xz (`&lt;pkg&gt;-linux-&lt;arch&gt;-&lt;ver&gt;-archive/`: CUDA 13.1.1's cuda_nvcc, libnvvm,
/// cuda_cudart and cuda_nvrtc as the shipped lock pins them, cuDNN, cuTENSOR), TensorRT's tar.gz
/// (`TensorRT-&lt;ver&gt;/`), the NCCL wheel (`nvidia/nccl/`), CUTLASS's GitHub tarball (`cutlass-&lt;ver&gt;/`); or,
/// for the runfile form of the lock, CUDA 13.1.0 as a real makeself archive with `builds/&lt;package&gt;/`. Each
/// large archive carries <c>payloadBytes</c> of incompressible data so downloads take measurable time (the small
/// CUDA packages carry none, to keep the suite fast). Deterministic for a given seed.
/// </summary>
public static class FixtureArchives
{
    /// <summary>The CUDA release of the redistrib fixtures and the driver its manifest names (as the shipped lock).</summary>
    public const string RedistribRelease = "13.1.1";

    public const string RedistribDriver = "590.48.01";

    /// <summary>The CUDA release of the runfile fixture and the driver the runfile bundles (as the runfile lock variant).</summary>
    public const string RunfileRelease = "13.1.0";

    public const string RunfileDriver = "590.44.01";

    private static readonly DateTimeOffset Epoch = new(2025, 12, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task<IReadOnlyList<FixtureArtifact>> BuildAsync(string dir, int payloadBytes = 64 * 1024, int seed = 1, FixtureCuda cuda = FixtureCuda.Redistrib)
    {
        Directory.CreateDirectory(dir);
        var built = new List<FixtureArtifact>();
        foreach (var system in SystemId.All)
        {
            var arch = Arch(system);
            var platform = system.NvidiaPlatform;
            byte[] Payload() => FixtureArchives.Payload(payloadBytes, seed + (built.Count * 7919));

            var cudnn = $"cudnn-{platform}-9.17.0.29_cuda13-archive";
            built.Add(await TarXzAsync(dir, "cudnn", "9.17.0.29", system, cudnn + ".tar.xz", cudnn, await FixtureComponents.CudnnAsync(system, Payload())));

            var cutensor = $"libcutensor-{platform}-2.4.1.4_cuda13-archive";
            built.Add(await TarXzAsync(dir, "cutensor", "2.4.1.4", system, cutensor + ".tar.xz", cutensor, await FixtureComponents.CutensorAsync(system, Payload())));

            built.Add(await TensorRtAsync(dir, system, "10.15.1.29", "13.1", Payload()));

            var wheel = $"nvidia_nccl_cu12-2.28.9-py3-none-manylinux_2_18_{arch}.whl";
            built.Add(Zip(dir, "nccl", "2.28.9", system, wheel, "wheel", await FixtureComponents.NcclWheelAsync(system, Payload())));

            if (cuda == FixtureCuda.Runfile)
            {
                built.Add(await CudaRunfileAsync(dir, system, RunfileRelease, RunfileDriver, Payload()));
                continue;
            }

            foreach (var package in await FixtureCudaPackages.BuildAsync(system))
            {
                var top = $"{package.Name}-{platform}-{package.Version}-archive";
                built.Add(await TarXzAsync(dir, package.Name, package.Version, system, top + ".tar.xz", top, package.Entries));
            }
        }

        built.Add(TarGz(dir, "cutlass", "4.3.3", null, "cutlass-4.3.3.tar.gz", "cutlass-4.3.3", FixtureComponents.Cutlass()));
        return built;
    }

    /// <summary>The CUDA runfile for one system under NVIDIA's name: cuda_&lt;version&gt;_&lt;driver&gt;_linux[_sbsa].run.</summary>
    public static async Task<FixtureArtifact> CudaRunfileAsync(string dir, SystemId system, string version, string driver, byte[] payload)
    {
        Directory.CreateDirectory(dir);
        var file = $"cuda_{version}_{driver}_linux{(system == SystemId.Aarch64Linux ? "_sbsa" : string.Empty)}.run";
        return await MakeselfAsync(dir, system, version, file, await FixtureComponents.CudaRunfileAsync(system, payload));
    }

    /// <summary>TensorRT's tarball for one system: TensorRT-&lt;version&gt;.Linux.&lt;arch&gt;-gnu.cuda-&lt;cuda&gt;.tar.gz, holding TensorRT-&lt;version&gt;/.</summary>
    public static async Task<FixtureArtifact> TensorRtAsync(string dir, SystemId system, string version, string cuda, byte[] payload)
    {
        Directory.CreateDirectory(dir);
        var file = $"TensorRT-{version}.Linux.{Arch(system)}-gnu.cuda-{cuda}.tar.gz";
        return TarGz(dir, "tensorrt", version, system, file, $"TensorRT-{version}", await FixtureComponents.TensorRtAsync(system, payload));
    }

    private static string Arch(SystemId system) => system == SystemId.X86_64Linux ? "x86_64" : "aarch64";

    public static byte[] Payload(int bytes, int seed)
    {
        var data = new byte[bytes];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>A tar.xz made by the real xz (multi-threaded, so large ones have several blocks).</summary>
    public static async Task<FixtureArtifact> TarXzAsync(string dir, string component, string version, SystemId? system, string file, string top, IReadOnlyList<FixtureEntry> entries)
    {
        var tar = Path.Combine(dir, file[..^3]);
        using (var stream = File.Create(tar))
        {
            WriteTar(stream, top, entries);
        }

        var xz = await ProcessRunner.RunAsync(ProcessRunner.Require("xz", "xz-utils"), ["-f", "-T2", "-3", tar]);
        if (xz.ExitCode != 0)
        {
            throw new InvalidOperationException($"xz failed: {xz}");
        }

        return Describe(dir, component, version, system, file, "tar.xz");
    }

    public static FixtureArtifact TarGz(string dir, string component, string version, SystemId? system, string file, string top, IReadOnlyList<FixtureEntry> entries)
    {
        using (var stream = File.Create(Path.Combine(dir, file)))
        using (var gz = new GZipStream(stream, CompressionLevel.Fastest))
        {
            WriteTar(gz, top, entries);
        }

        return Describe(dir, component, version, system, file, "tar.gz");
    }

    /// <summary>Writes a tar with a folder entry for every parent, then the members, as GNU tar would.</summary>
    public static void WriteTar(Stream stream, string top, IReadOnlyList<FixtureEntry> entries)
    {
        using var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true);
        var prefix = top.Length > 0 ? top + "/" : string.Empty;
        var dirs = new SortedSet<string>(StringComparer.Ordinal);
        if (prefix.Length > 0)
        {
            dirs.Add(prefix);
        }

        foreach (var e in entries)
        {
            var parts = e.Path.Split('/');
            for (var i = 1; i < parts.Length; i++)
            {
                dirs.Add($"{prefix}{string.Join('/', parts[..i])}/");
            }
        }

        foreach (var d in dirs)
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, d) { Mode = (UnixFileMode)0b111_101_101, ModificationTime = Epoch });
        }

        foreach (var e in entries.OrderBy(e => e.Path, StringComparer.Ordinal))
        {
            if (e.LinkTarget is { } target)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, prefix + e.Path) { LinkName = target, Mode = (UnixFileMode)0b111_111_111, ModificationTime = Epoch });
                continue;
            }

            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, prefix + e.Path)
            {
                Mode = (UnixFileMode)(e.Executable ? 0b111_101_101 : 0b110_100_100),
                ModificationTime = Epoch,
                DataStream = new MemoryStream(e.Content!),
            });
        }
    }

    public static FixtureArtifact Zip(string dir, string component, string version, SystemId? system, string file, string format, IReadOnlyList<FixtureEntry> entries)
    {
        using (var stream = File.Create(Path.Combine(dir, file)))
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create))
        {
            foreach (var e in entries)
            {
                var entry = zip.CreateEntry(e.Path, CompressionLevel.Fastest);
                entry.LastWriteTime = Epoch;
                var type = e.LinkTarget is null ? 0x8000 : 0xA000;
                var mode = e.LinkTarget is not null ? 0x1FF : e.Executable ? 0x1ED : 0x1A4;
                entry.ExternalAttributes = (type | mode) << 16;
                using var s = entry.Open();
                s.Write(e.Content ?? System.Text.Encoding.UTF8.GetBytes(e.LinkTarget!));
            }
        }

        return Describe(dir, component, version, system, file, format);
    }

    /// <summary>A real makeself archive (Debian's makeself), laid out like the CUDA runfile.</summary>
    private static async Task<FixtureArtifact> MakeselfAsync(string dir, SystemId system, string version, string file, IReadOnlyList<FixtureEntry> entries)
    {
        var content = Path.Combine(dir, file + ".d");
        await Materialize(content, entries);
        await BuildMakeselfAsync(content, Path.Combine(dir, file), "--gzip");
        Directory.Delete(content, recursive: true);
        return Describe(dir, "cuda", version, system, file, "makeself");
    }

    public static async Task BuildMakeselfAsync(string contentDir, string output, string compression)
    {
        var makeself = ProcessRunner.Which("makeself") ?? ProcessRunner.Which("makeself.sh")
            ?? throw new InvalidOperationException("makeself is not installed: apt-get install makeself (scripts/test.sh installs it)");
        var result = await ProcessRunner.RunAsync(
            makeself,
            [compression, "--nox11", "--nomd5", "--nocrc", "--tar-quietly", contentDir, output, "CUDA fixture installer", "./cuda-installer"]);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"makeself failed: {result}");
        }
    }

    /// <summary>Writes entries as real files and links under a folder.</summary>
    public static async Task Materialize(string root, IReadOnlyList<FixtureEntry> entries)
    {
        foreach (var e in entries)
        {
            var path = Path.Combine(root, e.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (e.LinkTarget is { } target)
            {
                File.CreateSymbolicLink(path, target);
                continue;
            }

            await File.WriteAllBytesAsync(path, e.Content!);
            File.SetUnixFileMode(path, (UnixFileMode)(e.Executable ? 0b111_101_101 : 0b110_100_100));
        }
    }

    public static FixtureArtifact Describe(string dir, string component, string version, SystemId? system, string file, string format)
    {
        var path = Path.Combine(dir, file);
        using var stream = File.OpenRead(path);
        var digest = Sha256Digest.FromHash(SHA256.HashData(stream));
        IReadOnlyList<SystemId> systems = system is { } s ? [s] : SystemId.All;
        return new FixtureArtifact(component, version, systems, file, format, digest, new FileInfo(path).Length, path);
    }
}

/// <summary>Which form the fixture CUDA toolkit takes: NVIDIA's redistrib packages (the shipped lock's) or the runfile.</summary>
public enum FixtureCuda
{
    Redistrib,
    Runfile,
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
