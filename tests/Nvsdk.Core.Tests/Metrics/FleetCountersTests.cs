using Nvsdk.Core.Gpu.Host;
using Nvsdk.Core.Gpu.Nvml;
using Nvsdk.Core.Metrics;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Metrics;

/// <summary>
/// The counters dcgm-exporter has by default and nvsdk lacked (reserved memory, NVLink, vGPU licence, XID,
/// the driver-version label) on the derived two-GPU H200 snapshot.
/// </summary>
public class FleetCountersTests
{
    private static readonly NvmlReport H200x2 =
        SnapshotFile.Read(Path.Combine(RepoPaths.Root, "tests", "fixtures", "snapshots", "h200x2-fleet-derived.json")).Nvml;

    private static string Write(NvmlReport nvml, CounterSelection? counters = null)
    {
        var e = new Exposition();
        DcgmGpuMetrics.Write(e, nvml.Gpus, new GpuSeriesContext("hgx", nvml.DriverVersion) { Counters = counters });
        NvsdkMetrics.Write(e, "test", nvml, null, "hgx");
        return e.ToString();
    }

    private static string Gpu(int index) =>
        $"{{gpu=\"{index}\",UUID=\"{H200x2.Gpus[index].Uuid}\",pci_bus_id=\"{H200x2.Gpus[index].BusId}\",device=\"nvidia{index}\",modelName=\"NVIDIA H200\",Hostname=\"hgx\",DCGM_FI_DRIVER_VERSION=\"580.159.04\"}}";

    [Theory]
    [InlineData("DCGM_FI_DEV_FB_RESERVED", 0, "590")]
    [InlineData("DCGM_FI_DEV_FB_USED", 1, "40001")] // v2: used leaves the reserved memory out
    [InlineData("DCGM_FI_DEV_FB_FREE", 1, "103180")] // total − reserved − used
    [InlineData("DCGM_FI_DEV_XID_ERRORS", 0, "0")] // watched, nothing seen
    [InlineData("DCGM_FI_DEV_XID_ERRORS", 1, "79")]
    [InlineData("DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL", 1, "734003200")]
    public void Write_H200x2_FleetCounterWithDriverVersionLabel(string name, int gpu, string value) =>
        Assert.Contains($"\n{name}{Gpu(gpu)} {value}\n", Write(H200x2), StringComparison.Ordinal);

    [Fact]
    public void Write_H200x2_XidCountPerGpuAsCounter()
    {
        var text = Write(H200x2);
        Assert.Contains("# TYPE nvsdk_gpu_xid_errors_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains($"nvsdk_gpu_xid_errors_total{{gpu=\"1\",UUID=\"{H200x2.Gpus[1].Uuid}\"}} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL counter\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_BareMetalOrOlderSnapshot_NoVgpuLicenceNoReservedNoXidSeries()
    {
        var h100 = SnapshotFile.Read(Path.Combine(RepoPaths.Root, "tests", "fixtures", "snapshots", "h100-driver580-metrics.json")).Nvml;
        var text = Write(h100);
        Assert.DoesNotContain("DCGM_FI_DEV_VGPU_LICENSE_STATUS", text, StringComparison.Ordinal);
        Assert.DoesNotContain("DCGM_FI_DEV_FB_RESERVED", text, StringComparison.Ordinal);
        Assert.DoesNotContain("XID", text, StringComparison.OrdinalIgnoreCase); // not watched: absent, never a fake 0
        Assert.DoesNotContain("NVLINK", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, "1")]
    [InlineData(false, "0")]
    public void Write_VgpuGuest_LicenceStatus(bool licensed, string value)
    {
        var guest = H200x2 with { Gpus = [H200x2.Gpus[0] with { Telemetry = H200x2.Gpus[0].Telemetry! with { VgpuLicensed = licensed } }] };
        Assert.Contains($"\nDCGM_FI_DEV_VGPU_LICENSE_STATUS{Gpu(0)} {value}\n", Write(guest), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_CollectorsFile_OnlyItsFieldsAndNoDriverLabelUnlessListed()
    {
        var counters = CounterSelection.Parse("# Format\nDCGM_FI_DEV_GPU_TEMP, gauge, Temperature.\nDCGM_FI_DEV_XID_ERRORS, gauge, Last XID.\n", "test.csv");
        var dcgm = Write(H200x2, counters).Split('\n').Where(l => l.StartsWith("DCGM_", StringComparison.Ordinal)).ToList();
        Assert.Equal(["DCGM_FI_DEV_GPU_TEMP", "DCGM_FI_DEV_XID_ERRORS"], dcgm.Select(l => l[..l.IndexOf('{', StringComparison.Ordinal)]).Distinct());
        Assert.All(dcgm, l => Assert.DoesNotContain("DCGM_FI_DRIVER_VERSION", l, StringComparison.Ordinal));

        var withLabel = CounterSelection.Parse("DCGM_FI_DEV_GPU_TEMP, gauge, T.\nDCGM_FI_DRIVER_VERSION, label, Driver Version\n", "test.csv");
        Assert.Contains($"DCGM_FI_DEV_GPU_TEMP{Gpu(0)} 34\n", Write(H200x2, withLabel), StringComparison.Ordinal);
    }

    [Fact]
    public void Labels_PodOwnerByUuidOrIndex_AppendedAfterDcgmLabels()
    {
        var context = new GpuSeriesContext("hgx", "580.159.04")
        {
            Pods = new Dictionary<string, IReadOnlyList<PodOwner>>
            {
                [H200x2.Gpus[0].Uuid] = [new("trainer-0", "ml", "pytorch")],
                ["1"] = [new("infer-7", "serving", "vllm")],
            },
        };
        var zero = Assert.Single(DcgmGpuMetrics.LabelSets(H200x2.Gpus[0], context));
        Assert.Equal(["gpu", "UUID", "pci_bus_id", "device", "modelName", "Hostname", "DCGM_FI_DRIVER_VERSION", "pod", "namespace", "container"], zero.Select(l => l.Name));
        Assert.Equal(("pod", "trainer-0"), zero[7]);
        Assert.Contains(("namespace", "serving"), Assert.Single(DcgmGpuMetrics.LabelSets(H200x2.Gpus[1], context)));
        Assert.DoesNotContain(Assert.Single(DcgmGpuMetrics.LabelSets(H200x2.Gpus[1], context with { Pods = new Dictionary<string, IReadOnlyList<PodOwner>>() })), l => l.Name == "pod");
    }

    [Fact]
    public void Write_SharedGpu_OneSeriesPerContainerWithItsReplica_UnsharedGpuOnce()
    {
        var context = new GpuSeriesContext("hgx", "580.159.04")
        {
            Pods = new Dictionary<string, IReadOnlyList<PodOwner>>
            {
                [H200x2.Gpus[0].Uuid] = [new("infer-a", "serving", "vllm", "0"), new("infer-b", "serving", "vllm", "1"), new("notebook", "research", "jupyter", "2")],
            },
        };
        var e = new Exposition();
        DcgmGpuMetrics.Write(e, H200x2.Gpus, context);
        var util = e.ToString().Split('\n').Where(l => l.StartsWith("DCGM_FI_DEV_GPU_UTIL{", StringComparison.Ordinal)).ToList();

        // GPU 0's utilisation under each of its three containers (the same value), GPU 1 once without pod labels.
        var gpu0 = util.Where(l => l.Contains("{gpu=\"0\"", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, gpu0.Count);
        Assert.Contains(gpu0, l => l.EndsWith(",pod=\"infer-a\",namespace=\"serving\",container=\"vllm\",vgpu=\"0\"} " + H200x2.Gpus[0].UtilizationGpu, StringComparison.Ordinal));
        Assert.Contains(gpu0, l => l.Contains("pod=\"notebook\",namespace=\"research\",container=\"jupyter\",vgpu=\"2\"}", StringComparison.Ordinal));
        Assert.Single(gpu0.Select(l => l[(l.LastIndexOf(' ') + 1)..]).Distinct());
        var gpu1 = Assert.Single(util, l => l.Contains("{gpu=\"1\"", StringComparison.Ordinal));
        Assert.DoesNotContain("pod=", gpu1, StringComparison.Ordinal);
    }
}
