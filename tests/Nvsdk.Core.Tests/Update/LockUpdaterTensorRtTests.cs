using Nvsdk.Core.LockFile;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Update;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Update;

/// <summary>TensorRT tars: release folders newest first (by number), the tars/ listing of each, both systems or pass over.</summary>
public sealed class LockUpdaterTensorRtTests(UpdateServer server) : IClassFixture<UpdateServer>
{
    private static Core.LockFile.LockFile Shipped => LockFileParser.Load(RepoPaths.ShippedLock);

    [Fact]
    public async Task Propose_NewestFolderLacksAarch64_FallsBackTo10161AndSaysWhy()
    {
        var report = await LockUpdater.ProposeAsync(Shipped, server.Bases(), ["tensorrt"]);
        var trt = Assert.Single(report.Proposals);
        Assert.Equal(("10.15.1.29", "10.16.1.11"), (trt.OldVersion, trt.NewVersion));
        Assert.Equal(SystemId.All, trt.Artifacts.Select(a => a.System));
        foreach (var (artifact, fixture) in trt.Artifacts.Zip(server.Sources.TensorRtTars))
        {
            Assert.Equal(fixture.FileName, artifact.FileName);
            Assert.Equal(new Uri(server.Bases().NvidiaBase, $"machine-learning/tensorrt/10.16.1/tars/{fixture.FileName}"), artifact.Url);
            Assert.Equal((fixture.Sha256, fixture.Size), (artifact.Sha256, artifact.Size));
        }

        // The SDK's CUDA 13.1 build, not the 13.2 one the same folder lists for x86_64.
        Assert.All(trt.Artifacts, a => Assert.EndsWith("-gnu.cuda-13.1.tar.gz", a.FileName, StringComparison.Ordinal));
        var note = Assert.Single(trt.Notes);
        Assert.Contains("10.17.0", note, StringComparison.Ordinal);
        Assert.Contains("aarch64-linux", note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Propose_NothingNewerFits_SkipsWithEveryReason()
    {
        var report = await LockUpdater.ProposeAsync(Shipped, server.Bases(FixtureUpdateSources.WithoutNewerTensorRt), ["tensorrt"]);
        Assert.Empty(report.Proposals);
        var skip = Assert.Single(report.Skipped);
        Assert.Equal("tensorrt", skip.Component);
        Assert.Contains("10.15.1.29 is the newest", skip.Reason, StringComparison.Ordinal);
        Assert.Contains("10.17.0: no aarch64-linux tar for CUDA 13", skip.Reason, StringComparison.Ordinal);
        Assert.Contains("10.16.1: no tars/ folder", skip.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Propose_UpToDate_ReadsNoOlderFolder()
    {
        var shipped = Shipped;
        var current = shipped with { Components = shipped.Components.Select(c => c.Id.Name == "tensorrt" ? c with { Version = "10.16.1.11" } : c).ToList() };
        var before = server.Nginx.ReadAccessLog().Count;
        var report = await LockUpdater.ProposeAsync(current, server.Bases(), ["tensorrt"]);
        Assert.Empty(report.Proposals);
        Assert.Contains("newest", Assert.Single(report.Skipped).Reason, StringComparison.Ordinal);
        var requests = server.Nginx.ReadAccessLog().Skip(before).Select(l => l.Path).ToList();
        Assert.DoesNotContain(requests, p => p.Contains("/10.15.1/", StringComparison.Ordinal) || p.EndsWith(".tar.gz", StringComparison.Ordinal));
    }
}
