using Nvsdk.Core.Gpu.Host;
using Nvsdk.Core.Gpu.Nvml;
using Nvsdk.Core.Metrics;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Metrics;

/// <summary>The per-GPU series on the H100 snapshots: dcgm-exporter's names, units, types and labels.</summary>
public class DcgmGpuMetricsTests
{
    private static readonly string Snapshots = Path.Combine(RepoPaths.Root, "tests", "fixtures", "snapshots");

    private static GpuReport H100WithMetrics => SnapshotFile.Read(Path.Combine(Snapshots, "h100-driver580-metrics.json")).Nvml.Gpus[0];

    private static GpuReport H100Recorded => SnapshotFile.Read(Path.Combine(Snapshots, "h100-driver580.json")).Nvml.Gpus[0];

    private static string Write(params GpuReport[] gpus)
    {
        var e = new Exposition();
        DcgmGpuMetrics.Write(e, gpus, new GpuSeriesContext("vm"));
        return e.ToString();
    }

    private const string Labels = "{gpu=\"0\",UUID=\"GPU-686087ce-283f-738c-4c42-2fe82422b5be\",pci_bus_id=\"00000000:00:06.0\",device=\"nvidia0\",modelName=\"NVIDIA H100 80GB HBM3\",Hostname=\"vm\"}";

    [Theory]
    [InlineData("DCGM_FI_DEV_GPU_TEMP", "34")]
    [InlineData("DCGM_FI_DEV_MEMORY_TEMP", "41")]
    [InlineData("DCGM_FI_DEV_POWER_USAGE", "123.774")]
    [InlineData("DCGM_FI_DEV_SM_CLOCK", "345")]
    [InlineData("DCGM_FI_DEV_MEM_CLOCK", "2619")]
    [InlineData("DCGM_FI_DEV_FB_USED", "480")]
    [InlineData("DCGM_FI_DEV_FB_FREE", "81079")]
    [InlineData("DCGM_FI_DEV_FB_TOTAL", "81559")]
    [InlineData("DCGM_FI_DEV_GPU_UTIL", "0")]
    [InlineData("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "3215402117")]
    [InlineData("DCGM_FI_DEV_PCIE_LINK_GEN", "5")]
    [InlineData("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "0")]
    [InlineData("DCGM_FI_DEV_PERSISTENCE_MODE", "1")]
    [InlineData("DCGM_FI_DEV_ECC_CURRENT", "1")]
    [InlineData("DCGM_FI_DEV_MIG_MODE", "0")]
    public void Write_H100_DcgmNameUnitAndLabels(string name, string value) =>
        Assert.Contains($"\n{name}{Labels} {value}\n", Write(H100WithMetrics), StringComparison.Ordinal);

    [Theory]
    [InlineData("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "counter")]
    [InlineData("DCGM_FI_DEV_PCIE_REPLAY_COUNTER", "counter")]
    [InlineData("DCGM_FI_DEV_ECC_SBE_VOL_TOTAL", "counter")]
    [InlineData("DCGM_FI_DEV_ECC_DBE_AGG_TOTAL", "counter")]
    [InlineData("DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS", "counter")]
    [InlineData("DCGM_FI_DEV_GPU_TEMP", "gauge")]
    [InlineData("DCGM_FI_DEV_FB_USED", "gauge")]
    [InlineData("DCGM_FI_DEV_ROW_REMAP_FAILURE", "gauge")]
    public void Write_H100_TypesAsDcgmExporterDeclaresThem(string name, string type) =>
        Assert.Contains($"# TYPE {name} {type}\n", Write(H100WithMetrics), StringComparison.Ordinal);

    [Fact]
    public void Write_NoFanOnSxm_LeavesTheSeriesOutRatherThanZero() =>
        Assert.DoesNotContain("DCGM_FI_DEV_FAN_SPEED", Write(H100WithMetrics), StringComparison.Ordinal);

    [Fact]
    public void Write_SnapshotRecordedBeforeTelemetry_ServesWhatItHas()
    {
        var text = Write(H100Recorded);
        Assert.Contains($"DCGM_FI_DEV_GPU_TEMP{Labels} 34\n", text, StringComparison.Ordinal);
        Assert.Contains($"DCGM_FI_DEV_FB_FREE{Labels} 81079\n", text, StringComparison.Ordinal); // total − used
        Assert.DoesNotContain("DCGM_FI_DEV_SM_CLOCK", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_TwoGpus_OneFamilyEachWithBothGpus()
    {
        var second = H100WithMetrics with { Index = 1, MinorNumber = 1, Uuid = "GPU-2", TemperatureC = 50 };
        var text = Write(H100WithMetrics, second);
        Assert.Single(text.Split('\n'), l => l == "# TYPE DCGM_FI_DEV_GPU_TEMP gauge");
        Assert.Contains("DCGM_FI_DEV_GPU_TEMP{gpu=\"1\",UUID=\"GPU-2\",pci_bus_id=\"00000000:00:06.0\",device=\"nvidia1\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Labels_NoMinorNumber_DeviceFromIndex() =>
        Assert.Contains(("device", "nvidia0"), DcgmGpuMetrics.Labels(H100Recorded, new GpuSeriesContext("vm")));

    [Fact]
    public void Names_AllDcgmFieldNames() =>
        Assert.All(DcgmGpuMetrics.Names, n => Assert.StartsWith("DCGM_FI_DEV_", n, StringComparison.Ordinal));
}
