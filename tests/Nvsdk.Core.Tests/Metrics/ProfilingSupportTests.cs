using Nvsdk.Core.Gpu.Dcgm;
using Nvsdk.Core.Metrics;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Metrics;

/// <summary>DCGM_FI_PROF_* need DCGM: without a working libdcgm.so.4 they are absent and the exporter says why.</summary>
public class ProfilingSupportTests
{
    [SkippableFact]
    public void Open_NoDcgmOnThisHost_UnavailableNamingTheLibrary()
    {
        Skip.If(File.Exists("/usr/lib/x86_64-linux-gnu/libdcgm.so.4") || File.Exists("/usr/lib64/libdcgm.so.4"), "this host has DCGM");
        using var root = new TempDir();
        using var dcgm = DcgmProfiler.Open(DcgmMode.Auto, DcgmProfiler.LibraryCandidates(root.Path), DcgmProfField.All);
        Assert.False(dcgm.Available);
        Assert.StartsWith("libdcgm.so.4 not found", dcgm.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Scrape_WithoutDcgm_InfoLineSaysWhyAndNoProfSeries()
    {
        var snapshot = Nvsdk.Core.Gpu.Host.SnapshotFile.Read(Path.Combine(RepoPaths.Root, "tests", "fixtures", "snapshots", "h200x2-fleet-derived.json"));
        using var gpus = new SnapshotGpuSource(snapshot.Nvml);
        var text = new MetricsScraper(gpus, null, "hgx", "test") { Profiling = new ProfilingSupport(false, "libdcgm.so.4 not found") }.Scrape();
        Assert.Contains("nvsdk_exporter_info{prof=\"unavailable\",prof_reason=\"libdcgm.so.4 not found\",pod_attribution=\"off\"} 1\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("DCGM_FI_PROF_", text, StringComparison.Ordinal);
    }
}
