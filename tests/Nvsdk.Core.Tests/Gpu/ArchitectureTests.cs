using Nvsdk.Core.Errors;
using Nvsdk.Core.Gpu.Cuda;
using Nvsdk.Core.Gpu.Doctor;
using Nvsdk.Core.Gpu.Host;
using Nvsdk.Core.Host.Config;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Gpu;

/// <summary>
/// GPU architectures against the CUDA a host pins, from the real H100 recording and its H200 and P100 variants
/// (tests/fixtures/snapshots/README.md says how they were derived), and the CUDAARCHS / TORCH_CUDA_ARCH_LIST
/// values builds get from them.
/// </summary>
public class ArchitectureTests
{
    private static HostSnapshot Snapshot(string name) =>
        SnapshotFile.Read(Path.Combine(RepoPaths.Root, "tests", "fixtures", "snapshots", name + ".json"));

    private static Finding Arch(DoctorReport report) => report.Findings.Single(f => f.Id == "gpu.0.arch");

    [Theory]
    [InlineData("h100-driver580")]
    [InlineData("h200-driver580")]
    public void Examine_HopperWithCuda13_PassesNamingTheArchitecture(string snapshot)
    {
        var finding = Arch(GpuDoctor.Examine(Snapshot(snapshot)));
        Assert.Equal(FindingStatus.Ok, finding.Status);
        Assert.Contains("Hopper sm_90", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Examine_P100WithCuda13_FailsBrokenWithTheCuda12Fix()
    {
        var report = GpuDoctor.Examine(Snapshot("p100-driver580"));
        var finding = Arch(report);
        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.Equal(DoctorVerdict.Broken, report.Verdict);
        Assert.Contains("sm_60", finding.Message, StringComparison.Ordinal);
        Assert.Contains("CUDA 12", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Examine_P100WithCuda12Pinned_Passes()
    {
        var report = GpuDoctor.Examine(Snapshot("p100-driver580") with { RequiredCudaVersion = "12.9.1" });
        Assert.Equal(FindingStatus.Ok, Arch(report).Status);
    }

    [Fact]
    public void Examine_InstalledSdkCuda_WinsOverThePin()
    {
        var p100 = Snapshot("p100-driver580") with { Sdk = new SdkState("/var/lib/nvsdk", 1, "/var/lib/nvsdk/generations/sdk-1", "12.8.0", []) };
        Assert.Equal(FindingStatus.Ok, Arch(GpuDoctor.Examine(p100)).Status);
    }

    [Fact]
    public void Examine_NoCudaKnown_SkipsButNamesTheArchitecture()
    {
        var finding = Arch(GpuDoctor.Examine(Snapshot("h100-driver580") with { RequiredCudaVersion = null }));
        Assert.Equal(FindingStatus.Skip, finding.Status);
        Assert.Contains("Hopper sm_90", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Examine_GpuNewerThanCuda_WarnsAboutPtxJit()
    {
        var h100 = Snapshot("h100-driver580");
        var blackwell = h100 with { RequiredCudaVersion = "12.6.3", Nvml = h100.Nvml with { Gpus = [h100.Nvml.Gpus[0] with { ComputeCapabilityMajor = 10, ComputeCapabilityMinor = 0 }] } };
        Assert.Equal(FindingStatus.Warn, Arch(GpuDoctor.Examine(blackwell)).Status);
    }

    [Theory]
    [InlineData("9.0", 9, 0)]
    [InlineData("90", 9, 0)]
    [InlineData("sm_90", 9, 0)]
    [InlineData("120", 12, 0)]
    [InlineData("8.6", 8, 6)]
    public void ComputeCapability_TryParse_ReadsEverySpelling(string text, int major, int minor)
    {
        Assert.True(ComputeCapability.TryParse(text, out var cc));
        Assert.Equal(new ComputeCapability(major, minor), cc);
    }

    [Theory]
    [InlineData("")]
    [InlineData("9")]
    [InlineData("sm_")]
    [InlineData("9.10")]
    [InlineData("hopper")]
    [InlineData("0.5")]
    public void ComputeCapability_TryParse_RefusesOthers(string text)
    {
        Assert.False(ComputeCapability.TryParse(text, out _));
    }

    [Fact]
    public void HostTargets_RecordedH100_GivesCudaArchs90()
    {
        var targets = HostTargets.Of(Snapshot("h100-driver580"));
        Assert.NotNull(targets);
        Assert.Equal("90", targets.CudaArchs);
        Assert.Equal("9.0", targets.TorchCudaArchList);
    }

    [Fact]
    public void HostTargets_NoGpuButHostToml_UsesConfiguredArchitectures()
    {
        var h100 = Snapshot("h100-driver580");
        var buildHost = h100 with
        {
            Nvml = new() { Error = "DRIVER_NOT_LOADED" },
            Files = new(h100.Files, StringComparer.Ordinal) { [HostPaths.HostConfig] = "[gpu]\narchitectures = [\"sm_90\", \"8.0\", \"90\"]\n" },
        };
        var targets = HostTargets.Of(buildHost);
        Assert.NotNull(targets);
        Assert.Equal("80;90", targets.CudaArchs);
        Assert.Equal("8.0;9.0", targets.TorchCudaArchList);
    }

    [Fact]
    public void HostTargets_NoGpuNoConfig_ExportsNothing()
    {
        var buildHost = Snapshot("h100-driver580") with { Nvml = new() { Error = "LIBRARY_NOT_FOUND" } };
        Assert.Null(HostTargets.Of(buildHost));
    }

    [Theory]
    [InlineData("[gpu]\narchitectures = \"90\"\n")]
    [InlineData("[gpu]\narchitectures = [\"hopper\"]\n")]
    [InlineData("[gpu]\narchitectures = [90]\n")]
    public void HostConfigParser_BadArchitectures_IsAUsageError(string toml)
    {
        Assert.Throws<UsageException>(() => HostConfigParser.Parse("host.toml", toml));
    }
}
