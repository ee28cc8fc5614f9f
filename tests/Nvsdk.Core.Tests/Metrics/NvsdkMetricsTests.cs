using System.Globalization;
using Nvsdk.Core.Gpu.Doctor;
using Nvsdk.Core.Gpu.Host;
using Nvsdk.Core.Gpu.Nvml;
using Nvsdk.Core.Metrics;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Metrics;

public class NvsdkMetricsTests
{
    private static HostSnapshot H100 => SnapshotFile.Read(Path.Combine(RepoPaths.Root, "tests", "fixtures", "snapshots", "h100-driver580-metrics.json"));

    private static DoctorRun Doctor(HostSnapshot host) => new(host, GpuDoctor.Examine(host), DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));

    private static string[] Lines(NvmlReport nvml, DoctorRun? doctor)
    {
        var e = new Exposition();
        NvsdkMetrics.Write(e, "1.2.3", nvml, doctor, "vm");
        return e.ToString().Split('\n');
    }

    [Fact]
    public void Write_H100_InfoDriverAndAvailability()
    {
        var lines = Lines(H100.Nvml, Doctor(H100));
        Assert.Contains("nvsdk_info{version=\"1.2.3\",Hostname=\"vm\"} 1", lines);
        Assert.Contains("nvsdk_gpu_available 1", lines);
        Assert.Contains("nvsdk_gpus 1", lines);
        Assert.Contains("nvsdk_driver_info{driver_version=\"580.159.04\",cuda_driver_version=\"13.0\",nvml_version=\"13.580.159.04\"} 1", lines);
        Assert.Contains("nvsdk_sdk_generation{cuda_version=\"\"} 0", lines);
        Assert.Contains("nvsdk_doctor_verdict 1", lines);
        Assert.Contains("nvsdk_doctor_last_run_timestamp_seconds 1800000000", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("nvsdk_nvml_error", StringComparison.Ordinal));
    }

    [Fact]
    public void Write_DoctorChecks_OneStateSetPerCheckWithExactlyOneCurrentStatus()
    {
        var run = Doctor(H100);
        var checks = Lines(H100.Nvml, run).Where(l => l.StartsWith("nvsdk_doctor_check{", StringComparison.Ordinal)).ToList();
        Assert.Equal(run.Report.Findings.Count * 4, checks.Count);
        foreach (var finding in run.Report.Findings)
        {
            var mine = checks.Where(l => l.Contains($"check=\"{finding.Id}\"", StringComparison.Ordinal)).ToList();
            Assert.Equal(4, mine.Count);
            Assert.Single(mine, l => l.EndsWith(" 1", StringComparison.Ordinal));
            Assert.Contains($"nvsdk_doctor_check{{check=\"{finding.Id}\",status=\"{finding.Status.ToString().ToLowerInvariant()}\"}} 1", mine);
        }

        Assert.Equal(
            ["container.cdi", "driver.sdk", "gpu.persistence"],
            checks.Where(l => l.EndsWith("status=\"warn\"} 1", StringComparison.Ordinal)).Select(l => l.Split('"')[1]).Order());
    }

    [Fact]
    public void Write_NoNvml_GpuUnavailableWithTheReason()
    {
        var lines = Lines(new NvmlReport { Error = "LIBRARY_NOT_FOUND" }, doctor: null);
        Assert.Contains("nvsdk_gpu_available 0", lines);
        Assert.Contains("nvsdk_gpus 0", lines);
        Assert.Contains("nvsdk_nvml_error{error=\"LIBRARY_NOT_FOUND\"} 1", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("nvsdk_driver_info", StringComparison.Ordinal));
    }

    [Fact]
    public void Write_SdkGeneration_NumberAndCudaVersion()
    {
        var host = H100 with { Sdk = new SdkState("/var/lib/nvsdk", 3, "/var/lib/nvsdk/generations/sdk-3", "13.1.0", []) };
        var lines = Lines(host.Nvml, Doctor(host));
        Assert.Contains("nvsdk_sdk_generation{cuda_version=\"13.1.0\"} 3", lines);
        Assert.Contains("nvsdk_sdk_missing_entries 0", lines);
    }

    [Fact]
    public void WriteScrapeDuration_Seconds()
    {
        var e = new Exposition();
        NvsdkMetrics.WriteScrapeDuration(e, TimeSpan.FromMilliseconds(2.5));
        Assert.Contains("nvsdk_exporter_scrape_duration_seconds " + 0.0025.ToString(CultureInfo.InvariantCulture), e.ToString(), StringComparison.Ordinal);
    }
}
