using Nvsdk.Core.LockFile;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Update;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Update;

/// <summary>CUDA runfiles (the runfile lock variant): newest manifest of the lock's major → release and driver → both runfiles hashed by download.</summary>
public sealed class LockUpdaterCudaTests(UpdateServer server) : IClassFixture<UpdateServer>
{
    private static Core.LockFile.LockFile Shipped => LockFileParser.Load(RepoPaths.RunfileLock);

    /// <summary>The shipped lock with its CUDA toolkit at <paramref name="version"/> (and the SDK's major with it).</summary>
    private static Core.LockFile.LockFile WithCuda(string version)
    {
        var major = int.Parse(version.Split('.')[0], System.Globalization.CultureInfo.InvariantCulture);
        var shipped = Shipped;
        return shipped with
        {
            CudaVersion = version,
            Components = shipped.Components.Select(c => c.Id.Name == "cuda" ? c with { Version = version, CudaMajor = major } : c).ToList(),
        };
    }

    [Fact]
    public async Task Propose_ShippedLock_PinsBothRunfilesOfTheNewestCuda13()
    {
        var report = await LockUpdater.ProposeAsync(Shipped, server.Bases(), ["cuda"]);
        var cuda = Assert.Single(report.Proposals);
        Assert.Equal(("13.1.0", "13.1.1"), (cuda.OldVersion, cuda.NewVersion));
        Assert.Equal(new ToolkitRelease("13.1.1", "590.48.01"), cuda.Toolkit);
        Assert.EndsWith("/cuda/redist/redistrib_13.1.1.json", cuda.Source, StringComparison.Ordinal);
        Assert.Equal(SystemId.All, cuda.Artifacts.Select(a => a.System));
        foreach (var (artifact, fixture) in cuda.Artifacts.Zip(server.Sources.CudaRunfiles))
        {
            Assert.Equal(fixture.FileName, artifact.FileName);
            Assert.Equal(new Uri(server.Bases().NvidiaBase, $"cuda/13.1.1/local_installers/{fixture.FileName}"), artifact.Url);
            Assert.Equal((fixture.Sha256, fixture.Size), (artifact.Sha256, artifact.Size));
        }

        Assert.Equal(["cuda_13.1.1_590.48.01_linux.run", "cuda_13.1.1_590.48.01_linux_sbsa.run"], cuda.Artifacts.Select(a => a.FileName));
    }

    [Fact]
    public async Task Propose_Cuda12Lock_StaysOnItsMajorThoughTheIndexListsCuda13()
    {
        var report = await LockUpdater.ProposeAsync(WithCuda("12.9.1"), server.Bases(), ["cuda"]);
        Assert.Empty(report.Proposals);
        var skip = Assert.Single(report.Skipped);
        Assert.Contains("12.9.1 is the newest", skip.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Propose_CudaUpToDate_DownloadsNoRunfile()
    {
        var before = server.Nginx.ReadAccessLog().Count;
        var report = await LockUpdater.ProposeAsync(WithCuda("13.1.1"), server.Bases(), ["cuda"]);
        Assert.Contains("newest", Assert.Single(report.Skipped).Reason, StringComparison.Ordinal);
        var requests = server.Nginx.ReadAccessLog().Skip(before).Select(l => l.Path).ToList();
        Assert.Contains(requests, p => p.EndsWith("/redistrib_13.1.1.json", StringComparison.Ordinal));
        Assert.DoesNotContain(requests, p => p.EndsWith(".run", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Propose_SbsaRunfileMissing_SkipsCudaAndTheOthersStillPropose()
    {
        var report = await LockUpdater.ProposeAsync(Shipped, server.Bases(FixtureUpdateSources.WithoutSbsaRunfile), []);
        var skip = Assert.Single(report.Skipped, s => s.Component == "cuda");
        Assert.Contains("aarch64-linux", skip.Reason, StringComparison.Ordinal);
        Assert.Contains("HTTP 404", skip.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(report.Proposals, p => p.Component == "cuda");
        Assert.Equal(["cudnn", "nccl", "tensorrt", "cutlass"], report.Proposals.Select(p => p.Component));
    }

    [Fact]
    public async Task Propose_NvidiaUnreachable_SkipsCudaAndTensorRtOnly()
    {
        var bases = server.Bases() with { NvidiaBase = new Uri("http://127.0.0.1:9/") };
        var report = await LockUpdater.ProposeAsync(Shipped, bases, []);
        Assert.Contains(report.Skipped, s => s.Component == "cuda" && s.Reason.StartsWith("source failed", StringComparison.Ordinal));
        Assert.Contains(report.Skipped, s => s.Component == "tensorrt" && s.Reason.StartsWith("source failed", StringComparison.Ordinal));
        Assert.Equal(["nccl", "cutlass"], report.Proposals.Select(p => p.Component));
    }

    [Theory]
    [InlineData("13.1.1", "590.48.01", "x86_64-linux", "cuda_13.1.1_590.48.01_linux.run")]
    [InlineData("13.1.1", "590.48.01", "aarch64-linux", "cuda_13.1.1_590.48.01_linux_sbsa.run")]
    [InlineData("12.9.1", "575.57.08", "aarch64-linux", "cuda_12.9.1_575.57.08_linux_sbsa.run")]
    public void CudaRunfileName_NvidiaNaming(string release, string driver, string system, string file) =>
        Assert.Equal(file, LockUpdater.CudaRunfileName(release, driver, SystemId.Parse(system)));
}
