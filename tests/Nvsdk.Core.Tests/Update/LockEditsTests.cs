using Nvsdk.Core.LockFile;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Update;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Update;

public class LockEditsTests
{
    private static readonly Sha256Digest X86 = Sha256Digest.Parse(new string('a', 64));
    private static readonly Sha256Digest Arm = Sha256Digest.Parse(new string('b', 64));

    private static UpdateProposal Proposal(string component, string old, string version, string x86File, string armFile, string folder) =>
        new(component, old, version, "https://example.test/", [
            new ProposedArtifact(SystemId.X86_64Linux, x86File, new Uri($"https://developer.download.nvidia.com/compute/{folder}/{x86File}"), X86, 100, null),
            new ProposedArtifact(SystemId.Aarch64Linux, armFile, new Uri($"https://developer.download.nvidia.com/compute/{folder}/{armFile}"), Arm, 200, null),
        ]);

    [Fact]
    public void Apply_Cuda_MovesSdkCudaAndDriverAndKeepsTheRunfileFormat()
    {
        var shipped = LockFileParser.Load(RepoPaths.RunfileLock);
        var proposal = Proposal("cuda", "13.1.0", "13.1.1", "cuda_13.1.1_590.48.01_linux.run", "cuda_13.1.1_590.48.01_linux_sbsa.run", "cuda/13.1.1/local_installers") with { Toolkit = new ToolkitRelease("13.1.1", "590.48.01") };
        var updated = LockEdits.Apply(shipped, [proposal]);
        Assert.Equal(("13.1.1", "590.48.01"), (updated.CudaVersion, updated.DriverVersion));
        var cuda = updated.Components.Single(c => c.Id.Name == "cuda");
        Assert.Equal("13.1.1", cuda.Version);
        Assert.All(cuda.Artifacts, a => Assert.Equal(ArtifactFormat.Makeself, a.Format));
        Assert.Equal([X86, Arm], cuda.Artifacts.Select(a => a.Sha256!.Value));
        // The shipped runfiles have no mirror: the new ones have none either, only NVIDIA's URL.
        Assert.All(cuda.Artifacts, a => Assert.Equal(SourceRole.Upstream, Assert.Single(a.Sources).Role));
    }

    [Fact]
    public void Apply_TensorRt_MirrorSourceFollowsTheNewFileNameAndSdkCudaStays()
    {
        var shipped = LockFileParser.Load(RepoPaths.ShippedLock);
        const string x86 = "TensorRT-10.16.1.11.Linux.x86_64-gnu.cuda-13.1.tar.gz";
        var updated = LockEdits.Apply(shipped, [Proposal("tensorrt", "10.15.1.29", "10.16.1.11", x86, "TensorRT-10.16.1.11.Linux.aarch64-gnu.cuda-13.1.tar.gz", "machine-learning/tensorrt/10.16.1/tars")]);
        Assert.Equal(shipped.CudaVersion, updated.CudaVersion);
        var artifact = updated.Components.Single(c => c.Id.Name == "tensorrt").Artifacts[0];
        Assert.Equal(
            [$"https://nvidia-redistributable.weyl.ai/{x86}", $"https://developer.download.nvidia.com/compute/machine-learning/tensorrt/10.16.1/tars/{x86}"],
            artifact.Sources.Select(s => s.Url.ToString()));
        Assert.Equal([SourceRole.Mirror, SourceRole.Upstream], artifact.Sources.Select(s => s.Role));
    }
}
