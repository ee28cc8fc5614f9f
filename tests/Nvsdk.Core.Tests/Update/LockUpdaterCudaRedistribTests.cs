using Nvsdk.Core.LockFile;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Update;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Update;

/// <summary>
/// CUDA as redistrib packages (the shipped lock's form), against NVIDIA's real manifests served by nginx: the
/// newest redistrib_13.x.y.json gives each package of the lock its version, file, sha256 and size; nothing is
/// downloaded to hash, and sdk.cuda/sdk.driver follow the release once every package is on it.
/// </summary>
public sealed class LockUpdaterCudaRedistribTests(UpdateServer server) : IClassFixture<UpdateServer>
{
    private static readonly string Fixtures = Path.Combine(RepoPaths.Root, "tests", "fixtures", "redist");

    private static IReadOnlyList<RedistribPackage> Manifest(string release)
    {
        var path = Path.Combine(Fixtures, $"cuda_redistrib_{release}.json");
        return RedistribManifest.Parse(path, File.ReadAllBytes(path)).Packages;
    }

    /// <summary>
    /// The shipped lock moved back to CUDA 13.0.0: each of its packages that redistrib_13.0.0.json lists, pinned as
    /// that manifest publishes it (the others dropped), sdk.cuda 13.0.0 and its driver.
    /// </summary>
    private static Core.LockFile.LockFile Cuda1300()
    {
        var shipped = LockFileParser.Load(RepoPaths.ShippedLock);
        var old = Manifest("13.0.0").ToLookup(p => p.Name, StringComparer.Ordinal);
        var cuda = shipped.Components.Where(c => c.Artifacts[0].Sources[^1].Url.AbsolutePath.StartsWith("/compute/cuda/redist/", StringComparison.Ordinal)).ToList();
        var components = shipped.Components
            .Where(c => !cuda.Contains(c) || old.Contains(c.Id.Name))
            .Select(c => !cuda.Contains(c) ? c : c with
            {
                Version = old[c.Id.Name].First().Version,
                Artifacts = c.Artifacts.Select(a =>
                {
                    var p = old[c.Id.Name].Single(p => p.System == a.Systems[0]);
                    return a with { Version = p.Version, FileName = p.FileName, Sha256 = p.Sha256, Size = p.Size, Sources = [new ArtifactSource(new Uri("https://developer.download.nvidia.com/compute/cuda/redist/" + p.RelativePath), SourceRole.Upstream)] };
                }).ToList(),
            })
            .ToList();
        return shipped with { CudaVersion = "13.0.0", DriverVersion = "580.65.06", Components = components };
    }

    private static bool IsCudaPackage(Component c) => c.Id.Name.StartsWith("cuda_", StringComparison.Ordinal) || c.Id.Name.StartsWith("lib", StringComparison.Ordinal);

    [Fact]
    public async Task Propose_Cuda1300Packages_EachTakesTheNewestManifestsDigestWithoutDownloading()
    {
        var lockFile = Cuda1300();
        var packages = lockFile.Components.Where(IsCudaPackage).Select(c => c.Id.Name).ToList();
        var before = server.Nginx.ReadAccessLog().Count;

        var report = await LockUpdater.ProposeAsync(lockFile, server.Bases(), packages);

        var requests = server.Nginx.ReadAccessLog().Skip(before).Select(l => l.Path).ToList();
        Assert.DoesNotContain(requests, p => p.EndsWith(".tar.xz", StringComparison.Ordinal) || p.EndsWith(".run", StringComparison.Ordinal));
        Assert.Single(requests, p => p.EndsWith("/redistrib_13.1.1.json", StringComparison.Ordinal)); // read once for every package
        var published = Manifest("13.1.1").ToLookup(p => p.Name, StringComparer.Ordinal);
        Assert.NotEmpty(report.Proposals);
        foreach (var proposal in report.Proposals)
        {
            Assert.Equal(new ToolkitRelease("13.1.1", "590.48.01"), proposal.Toolkit);
            Assert.EndsWith("/cuda/redist/redistrib_13.1.1.json", proposal.Source, StringComparison.Ordinal);
            foreach (var artifact in proposal.Artifacts)
            {
                var p = published[proposal.Component].Single(p => p.System == artifact.System);
                Assert.Equal((p.Version, p.FileName, p.Sha256, p.Size), (proposal.NewVersion, artifact.FileName, artifact.Sha256, artifact.Size));
                Assert.Equal(new Uri(server.Bases().NvidiaBase, "cuda/redist/" + p.RelativePath), artifact.Url);
            }
        }

        Assert.Equal(packages.Order(StringComparer.Ordinal), report.Proposals.Select(p => p.Component).Concat(report.Skipped.Select(s => s.Component)).Order(StringComparer.Ordinal));
        Assert.All(report.Skipped, s => Assert.EndsWith(" is the newest", s.Reason, StringComparison.Ordinal)); // same version in both releases
    }

    [Fact]
    public async Task ProposeThenApply_Cuda1300Packages_MovesSdkCudaAndDriverAndPassesCheck()
    {
        var lockFile = Cuda1300();

        var report = await LockUpdater.ProposeAsync(lockFile, server.Bases(), lockFile.Components.Where(IsCudaPackage).Select(c => c.Id.Name).ToList());
        var updated = LockEdits.Apply(lockFile, report.Proposals);

        Assert.Equal(("13.1.1", "590.48.01"), (updated.CudaVersion, updated.DriverVersion));
        var shipped = LockFileParser.Load(RepoPaths.ShippedLock);
        foreach (var component in updated.Components.Where(IsCudaPackage))
        {
            var expected = shipped.Find(component.Id)!;
            Assert.Equal(expected.Version, component.Version);
            Assert.Equal(expected.Artifacts.Select(a => (a.FileName, a.Sha256, a.Size)), component.Artifacts.Select(a => (a.FileName, a.Sha256, a.Size)));
        }

        Assert.DoesNotContain(LockChecker.CheckSemantics(updated, SystemId.All), d => d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public async Task Propose_OnlySomePackages_MovesThemButLeavesSdkCudaAndSaysWhy()
    {
        var report = await LockUpdater.ProposeAsync(Cuda1300(), server.Bases(), ["libcublas", "cuda_cudart"]);

        Assert.Equal(["cuda_cudart", "libcublas"], report.Proposals.Select(p => p.Component).Order(StringComparer.Ordinal));
        Assert.All(report.Proposals, p => Assert.Null(p.Toolkit));
        Assert.All(report.Proposals, p => Assert.Contains(p.Notes, n => n.StartsWith("sdk.cuda stays", StringComparison.Ordinal) && n.Contains("cuda_nvcc", StringComparison.Ordinal)));
        Assert.Equal("13.0.0", LockEdits.Apply(Cuda1300(), report.Proposals).CudaVersion);
    }

    [Fact]
    public async Task Propose_ShippedLock_EveryCudaPackageIsTheNewest()
    {
        var shipped = LockFileParser.Load(RepoPaths.ShippedLock);
        var packages = shipped.Components.Where(IsCudaPackage).Select(c => c.Id.Name).ToList();

        var report = await LockUpdater.ProposeAsync(shipped, server.Bases(), packages);

        Assert.Empty(report.Proposals);
        Assert.Equal(27, report.Skipped.Count);
        Assert.All(report.Skipped, s => Assert.False(s.SourceFailed));
    }
}
