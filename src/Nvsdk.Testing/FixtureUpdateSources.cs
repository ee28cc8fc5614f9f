using Nvsdk.Core.Primitives;

namespace Nvsdk.Testing;

/// <summary>
/// Everything `nvsdk update` reads, laid out in one folder for nginx to serve (as /index/…): NVIDIA's compute
/// tree (cuda/redist with the real manifests behind a listing page, the CUDA 13.1.1 runfiles, the cuDNN and
/// cuTENSOR manifests, the TensorRT listings with the 10.16.1 tars), PyPI's JSON for nvidia-nccl-cu13, and
/// CUTLASS's latest GitHub release with its tag tarball. Broken variants of NVIDIA's tree sit beside it as
/// other base folders that link back to the good parts, so one server answers every test.
/// </summary>
public sealed class FixtureUpdateSources
{
    /// <summary>NVIDIA's tree with the aarch64 (sbsa) runfile missing: cuda must be skipped, the rest still updates.</summary>
    public const string WithoutSbsaRunfile = "no-sbsa/";

    /// <summary>NVIDIA's tree where no TensorRT newer than the shipped 10.15.1.29 has tars for both systems.</summary>
    public const string WithoutNewerTensorRt = "trt-none/";

    public const string CudaRelease = "13.1.1";
    public const string CudaDriver = "590.48.01";
    public const string TensorRtRelease = "10.16.1.11";

    private FixtureUpdateSources(string root, IReadOnlyList<FixtureArtifact> runfiles, IReadOnlyList<FixtureArtifact> tars, FixtureArtifact cutlass)
    {
        Root = root;
        CudaRunfiles = runfiles;
        TensorRtTars = tars;
        Cutlass = cutlass;
    }

    public string Root { get; }

    /// <summary>cuda_13.1.1_590.48.01_linux.run and …_linux_sbsa.run, x86_64 first.</summary>
    public IReadOnlyList<FixtureArtifact> CudaRunfiles { get; }

    /// <summary>TensorRT-10.16.1.11.Linux.{x86_64,aarch64}-gnu.cuda-13.1.tar.gz, x86_64 first.</summary>
    public IReadOnlyList<FixtureArtifact> TensorRtTars { get; }

    public FixtureArtifact Cutlass { get; }

    public static async Task<FixtureUpdateSources> BuildAsync(string root, int payloadBytes = 16 * 1024)
    {
        var fixtures = Path.Combine(RepoPaths.Root, "tests", "fixtures");
        string Fixture(params string[] parts) => Path.Combine([fixtures, .. parts]);
        string Dir(params string[] parts) => Directory.CreateDirectory(Path.Combine([root, .. parts])).FullName;

        // NVIDIA's own names are redistrib_<version>.json; the fixture copies carry the product as a prefix.
        var cudaRedist = Dir("cuda", "redist");
        File.Copy(Fixture("index", "cuda-redist.html"), Path.Combine(cudaRedist, "index.html"));
        File.Copy(Fixture("redist", "cuda_redistrib_13.0.0.json"), Path.Combine(cudaRedist, "redistrib_13.0.0.json"));
        File.Copy(Fixture("redist", "cuda_redistrib_13.1.1.json"), Path.Combine(cudaRedist, "redistrib_13.1.1.json"));
        // A stand-in for the CUDA 12.9.1 manifest with only what update reads: lets a CUDA 12 lock find its own major.
        await File.WriteAllTextAsync(Path.Combine(cudaRedist, "redistrib_12.9.1.json"), """
            { "release_date": "2025-06-11", "release_label": "12.9.1", "release_product": "cuda",
              "nvidia_driver": { "name": "NVIDIA Linux Driver", "license": "NVIDIA Driver", "version": "575.57.08" } }
            """);
        File.Copy(Fixture("redist", "cudnn_redistrib_9.12.0.json"), Path.Combine(Dir("cudnn", "redist"), "redistrib_9.12.0.json"));
        File.Copy(Fixture("redist", "cudnn_redistrib_9.20.0.json"), Path.Combine(Dir("cudnn", "redist"), "redistrib_9.20.0.json"));
        File.Copy(Fixture("redist", "cutensor_redistrib_2.3.0.json"), Path.Combine(Dir("cutensor", "redist"), "redistrib_2.3.0.json"));

        var installers = Dir("cuda", CudaRelease, "local_installers");
        var runfiles = new List<FixtureArtifact>();
        var tars = new List<FixtureArtifact>();
        var tensorRt = Dir("machine-learning", "tensorrt");
        File.Copy(Fixture("index", "tensorrt.html"), Path.Combine(tensorRt, "index.html"));
        foreach (var release in new[] { "10.15.1", "10.16.1", "10.17.0" })
        {
            File.Copy(Fixture("index", $"tensorrt-{release}-tars.html"), Path.Combine(Dir("machine-learning", "tensorrt", release, "tars"), "index.html"));
        }

        var seed = 101;
        foreach (var system in SystemId.All)
        {
            runfiles.Add(await FixtureArchives.CudaRunfileAsync(installers, system, CudaRelease, CudaDriver, FixtureArchives.Payload(payloadBytes, seed++)));
            tars.Add(await FixtureArchives.TensorRtAsync(Path.Combine(tensorRt, "10.16.1", "tars"), system, TensorRtRelease, "13.1", FixtureArchives.Payload(payloadBytes, seed++)));
        }

        File.Copy(Fixture("pypi", "nvidia-nccl-cu13.json"), Path.Combine(Dir("pypi", "nvidia-nccl-cu13"), "json"));
        File.Copy(Fixture("github", "cutlass-latest.json"), Path.Combine(Dir("repos", "NVIDIA", "cutlass", "releases"), "latest"));
        var cutlass = FixtureArchives.TarGz(Dir("NVIDIA", "cutlass", "archive", "refs", "tags"), "cutlass", "4.3.3", null, "v4.3.3.tar.gz", "cutlass-4.3.3", [FixtureEntry.Text("include/cutlass/cutlass.h", "#pragma once\n")]);

        // no-sbsa/: the same NVIDIA tree, but only the x86_64 runfile was published.
        foreach (var shared in new[] { "cudnn", "cutensor", "machine-learning" })
        {
            Directory.CreateSymbolicLink(Path.Combine(Dir(WithoutSbsaRunfile), shared), Path.Combine(root, shared));
        }

        Directory.CreateSymbolicLink(Path.Combine(Dir(WithoutSbsaRunfile, "cuda"), "redist"), cudaRedist);
        File.Copy(runfiles[0].Path, Path.Combine(Dir(WithoutSbsaRunfile, "cuda", CudaRelease, "local_installers"), runfiles[0].FileName));

        // trt-none/: the same listing, but 10.16.1 has no tars/ folder and 10.17.0 no aarch64 tar for CUDA 13.
        var noTrt = Dir(WithoutNewerTensorRt, "machine-learning", "tensorrt");
        File.Copy(Path.Combine(tensorRt, "index.html"), Path.Combine(noTrt, "index.html"));
        Directory.CreateSymbolicLink(Path.Combine(noTrt, "10.15.1"), Path.Combine(tensorRt, "10.15.1"));
        Directory.CreateSymbolicLink(Path.Combine(noTrt, "10.17.0"), Path.Combine(tensorRt, "10.17.0"));
        Directory.CreateDirectory(Path.Combine(noTrt, "10.16.1"));

        return new FixtureUpdateSources(root, runfiles, tars, cutlass);
    }
}
