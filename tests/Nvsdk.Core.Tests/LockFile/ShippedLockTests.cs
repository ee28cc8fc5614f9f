using Nvsdk.Core.LockFile;
using Nvsdk.Core.Plan;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Update;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.LockFile;

/// <summary>
/// The shipped lock's CUDA is NVIDIA's redistrib packages of 13.1.1: every digest, size, file and URL is the one
/// redistrib_13.1.1.json (a real copy in tests/fixtures/redist) publishes, and sdk.driver is its nvidia_driver.
/// </summary>
public sealed class ShippedLockTests
{
    private static readonly string Manifest = Path.Combine(RepoPaths.Root, "tests", "fixtures", "redist", "cuda_redistrib_13.1.1.json");

    [Fact]
    public void ShippedLock_EveryCudaPackage_IsPinnedAsTheManifestPublishesIt()
    {
        var lockFile = LockFileParser.Load(RepoPaths.ShippedLock);
        var (_, release, packages) = RedistribManifest.Parse(Manifest, File.ReadAllBytes(Manifest));
        var byName = packages.ToLookup(p => p.Name, StringComparer.Ordinal);

        var cuda = lockFile.Components.Where(c => byName.Contains(c.Id.Name)).ToList();

        Assert.Equal(27, cuda.Count);
        Assert.Equal(release, lockFile.CudaVersion);
        foreach (var component in cuda)
        {
            foreach (var system in SystemId.All)
            {
                var published = byName[component.Id.Name].Single(p => p.System == system);
                var pinned = component.ArtifactsFor(system).Single();
                Assert.Equal(published.Version, component.Version);
                Assert.Equal((published.FileName, published.Sha256, published.Size), (pinned.FileName, pinned.Sha256!.Value, pinned.Size!.Value));
                Assert.Equal("https://developer.download.nvidia.com/compute/cuda/redist/" + published.RelativePath, pinned.Sources[^1].Url.AbsoluteUri);
                Assert.Equal(ArtifactFormat.TarXz, pinned.Format);
            }
        }
    }

    [Fact]
    public void ShippedLock_DriverFloor_IsTheManifestsDriver()
    {
        using var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(Manifest));
        var driver = manifest.RootElement.GetProperty("nvidia_driver").GetProperty("version").GetString();

        Assert.Equal("590.48.01", driver);
        Assert.Equal(driver, LockFileParser.Load(RepoPaths.ShippedLock).DriverVersion);
    }

    [Fact]
    public void ShippedLock_LeavesOutNsightDriverFabricManagerImexAndMft()
    {
        var names = LockFileParser.Load(RepoPaths.ShippedLock).Components.Select(c => c.Id.Name).ToHashSet(StringComparer.Ordinal);

        Assert.DoesNotContain(names, n => n.StartsWith("nsight", StringComparison.Ordinal) || n.StartsWith("mft", StringComparison.Ordinal)
            || n is "nvidia_driver" or "fabricmanager" or "imex" or "cuda");
        Assert.Superset(new HashSet<string>(StringComparer.Ordinal) { "cudnn", "nccl", "tensorrt", "cutensor", "cutlass", "tritonserver" }, names);
    }

    [Fact]
    public void Select_Cuda_IsEveryToolkitPackageThatProvidesIt()
    {
        var lockFile = LockFileParser.Load(RepoPaths.ShippedLock);

        var selection = ArtifactSelection.Select(lockFile, ["cuda"], SystemId.X86_64Linux, allowUnpinned: false);
        var byName = ArtifactSelection.Select(lockFile, ["cuda_cudart", "cudnn"], SystemId.X86_64Linux, allowUnpinned: false);

        Assert.Equal(27, selection.Artifacts.Count);
        Assert.All(selection.Artifacts, a => Assert.Contains("cuda", lockFile.Find(a.Component)!.Provides));
        Assert.Contains(selection.Artifacts, a => a.Component.Name == "libcublas");
        Assert.DoesNotContain(selection.Artifacts, a => a.Component.Name == "cudnn");
        Assert.Equal(["cuda_cudart", "cudnn"], byName.Artifacts.Select(a => a.Component.Name));
    }
}
