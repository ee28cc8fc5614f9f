using Nvsdk.Core.Errors;
using Nvsdk.Core.Gpu.Cuda;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Gpu;

/// <summary>
/// The smoke test's library search and its findings without a GPU, plus the real run, which is opt-in:
/// NVSDK_GPU_TESTS=1 on a GPU host.
/// </summary>
public class GpuSmokeTests
{
    private const string GpuTestsOnly = "GPU tests run only with NVSDK_GPU_TESTS=1 on a GPU host";

    private static bool GpuTests => Environment.GetEnvironmentVariable("NVSDK_GPU_TESTS") == "1";

    [Fact]
    public void SearchDirectories_EveryPlaceSet_InDocumentedOrder()
    {
        using var temp = new TempDir();
        var cudaRoot = temp.Combine("cuda");
        Directory.CreateDirectory(Path.Combine(cudaRoot, "targets", "x86_64-linux", "lib"));
        Directory.CreateDirectory(Path.Combine(cudaRoot, "targets", "sbsa-linux", "lib"));
        var env = Env(("CUDA_PATH", temp.Combine("cuda-path")), ("CUDA_HOME", temp.Combine("cuda-home")));

        var dirs = NvrtcLocator.SearchDirectories(temp.Combine("store"), env, cudaRoot);

        Assert.Equal(
            [
                temp.Combine("store", "generations", "current", "lib64"),
                temp.Combine("cuda-path", "lib64"),
                temp.Combine("cuda-home", "lib64"),
                Path.Combine(cudaRoot, "lib64"),
                Path.Combine(cudaRoot, "targets", "sbsa-linux", "lib"),
                Path.Combine(cudaRoot, "targets", "x86_64-linux", "lib"),
            ],
            dirs);
    }

    [Fact]
    public void SearchDirectories_UnsetOrEmptyVariables_Skipped()
    {
        using var temp = new TempDir();

        var dirs = NvrtcLocator.SearchDirectories(null, Env(("CUDA_PATH", string.Empty)), temp.Combine("no-cuda"));

        Assert.Equal([temp.Combine("no-cuda", "lib64")], dirs);
    }

    [Fact]
    public void SearchDirectories_SameFolderTwice_ListedOnce()
    {
        using var temp = new TempDir();
        var cudaRoot = temp.Combine("cuda");
        var env = Env(("CUDA_PATH", cudaRoot), ("CUDA_HOME", cudaRoot + "/"));

        var dirs = NvrtcLocator.SearchDirectories(null, env, cudaRoot);

        Assert.Equal([Path.Combine(cudaRoot, "lib64")], dirs);
    }

    [Fact]
    public void Candidates_FilesPresent_FolderOrderThenFileOrderThenLoaderNames()
    {
        using var temp = new TempDir();
        var first = Directory.CreateDirectory(temp.Combine("first")).FullName;
        var empty = Directory.CreateDirectory(temp.Combine("empty")).FullName;
        var second = Directory.CreateDirectory(temp.Combine("second")).FullName;
        File.WriteAllText(Path.Combine(first, "libnvrtc.so.13"), string.Empty);
        File.WriteAllText(Path.Combine(second, "libnvrtc.so.12"), string.Empty);
        File.WriteAllText(Path.Combine(second, "libnvrtc.so"), string.Empty);

        var candidates = NvrtcLocator.Candidates([first, empty, temp.Combine("missing"), second]);

        Assert.Equal(
            [
                Path.Combine(first, "libnvrtc.so.13"),
                Path.Combine(second, "libnvrtc.so"),
                Path.Combine(second, "libnvrtc.so.12"),
                "libnvrtc.so",
                "libnvrtc.so.13",
                "libnvrtc.so.12",
            ],
            candidates);
    }

    [Fact]
    public void CudaDriverLoad_MissingLibrary_ThrowsGpuUnavailableNamingIt()
    {
        using var temp = new TempDir();
        var missing = temp.Combine("libcuda.so.1");

        var e = Assert.Throws<GpuUnavailableException>(() => CudaDriver.Load(missing));

        Assert.Equal(ErrorCode.GpuUnavailable, e.Code);
        Assert.Equal(CudaDriver.DefaultLibrary, e.Library);
        Assert.Equal([missing], e.Searched);
        Assert.Null(e.Call);
    }

    [Fact]
    public void NvrtcLoad_NothingLoads_ThrowsGpuUnavailableWithEverythingTried()
    {
        using var temp = new TempDir();
        var notALibrary = temp.Combine("libnvrtc.so.13");
        File.WriteAllText(notALibrary, "not an ELF file");
        string[] candidates = [notALibrary, temp.Combine("libnvrtc.so"), "libnvrtc-that-does-not-exist.so"];

        var e = Assert.Throws<GpuUnavailableException>(() => Nvrtc.Load(candidates));

        Assert.Equal(ErrorCode.GpuUnavailable, e.Code);
        Assert.Equal(Nvrtc.LibraryName, e.Library);
        Assert.Equal(candidates, e.Searched);
    }

    [Fact]
    public async Task RunAsync_NoLibcuda_ThrowsGpuUnavailableBeforeAnyGpuWork()
    {
        using var temp = new TempDir();
        var options = new SmokeOptions { CudaLibrary = temp.Combine("missing", "libcuda.so.1"), NvrtcCandidates = [] };

        var e = await Assert.ThrowsAsync<GpuUnavailableException>(() => GpuSmokeTest.RunAsync(options));

        Assert.Equal(ErrorCode.GpuUnavailable, e.Code);
        Assert.Equal(CudaDriver.DefaultLibrary, e.Library);
    }

    [Theory]
    [InlineData(2_619_000, 5120, 3_352.32)] // H100 SXM5 80GB HBM3
    [InlineData(1_593_000, 5120, 2_039.04)] // H100 PCIe 80GB HBM2e
    [InlineData(10_501_000, 384, 1_008.096)] // RTX 4090 GDDR6X
    public void PeakOf_ClockAndBusWidth_IsTwiceClockTimesBytesPerTransfer(int clockKhz, int busBits, double expectedGBps) =>
        Assert.Equal(expectedGBps, SmokeGpuResult.PeakOf(clockKhz, busBits)!.Value / 1e9, 6);

    [Theory]
    [InlineData(0, 5120)]
    [InlineData(2_619_000, 0)]
    public void PeakOf_UnknownClockOrWidth_IsNull(int clockKhz, int busBits) =>
        Assert.Null(SmokeGpuResult.PeakOf(clockKhz, busBits));

    [Fact]
    public void Passed_NoErrorNoMismatchAndABandwidth_OnlyThen()
    {
        var good = new SmokeGpuResult { Index = 0, Name = "GPU", Mismatches = 0, CopyBandwidth = 1e12 };

        Assert.True(good.Passed);
        Assert.False((good with { Mismatches = 3 }).Passed);
        Assert.False((good with { Mismatches = null }).Passed);
        Assert.False((good with { CopyBandwidth = null }).Passed);
        Assert.False((good with { Error = "cuLaunchKernel failed" }).Passed);
        Assert.False(new SmokeResult(13000, "libcuda.so.1", new Version(13, 0), "libnvrtc.so", []).Passed);
    }

    [Theory]
    [InlineData(9, 0, 90, "9.0")]
    [InlineData(12, 0, 120, "12.0")]
    [InlineData(8, 6, 86, "8.6")]
    public void ComputeCapability_Sm_IsMajorTimesTenPlusMinor(int major, int minor, int sm, string text)
    {
        var cc = new ComputeCapability(major, minor);

        Assert.Equal(sm, cc.Sm);
        Assert.Equal(text, cc.ToString());
    }

    [SkippableFact]
    public async Task RunAsync_OnGpuHost_EveryGpuComputesCorrectlyAndCopiesBelowPeak()
    {
        Skip.IfNot(GpuTests, GpuTestsOnly);

        var result = await GpuSmokeTest.RunAsync(new SmokeOptions { CopyBytes = 256L << 20, CopyRuns = 3 });

        Assert.NotEmpty(result.Gpus);
        Assert.All(result.Gpus, g =>
        {
            Assert.Null(g.Error);
            Assert.Equal(0, g.Mismatches);
            Assert.InRange(g.PeakShare ?? 0.5, 0.05, 1.0);
        });
        Assert.True(result.Passed);
        Assert.True(result.DriverVersion >= 12000);
    }

    [SkippableFact]
    public async Task RunAsync_DeviceThatDoesNotExist_ThrowsUsage()
    {
        Skip.IfNot(GpuTests, GpuTestsOnly);

        var e = await Assert.ThrowsAsync<UsageException>(() => GpuSmokeTest.RunAsync(new SmokeOptions { Device = 4096 }));

        Assert.Equal(ErrorCode.GpuUnavailable, e.Code);
    }

    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;
}
