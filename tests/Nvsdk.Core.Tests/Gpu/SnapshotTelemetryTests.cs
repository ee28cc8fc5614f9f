using Nvsdk.Core.Gpu.Host;
using Nvsdk.Core.Gpu.Nvml;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Gpu;

/// <summary>The exporter's fields in snapshots: recorded and replayed intact, absent from older recordings.</summary>
public sealed class SnapshotTelemetryTests : IDisposable
{
    private static readonly string Snapshots = Path.Combine(RepoPaths.Root, "tests", "fixtures", "snapshots");

    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Read_RecordingFromBeforeTelemetry_LoadsWithTheNewFieldsNull()
    {
        var gpu = SnapshotFile.Read(Path.Combine(Snapshots, "h100-driver580.json")).Nvml.Gpus[0];
        Assert.Null(gpu.Telemetry);
        Assert.Null(gpu.MinorNumber);
        Assert.Null(gpu.MemoryFreeBytes);
        Assert.Equal(34, gpu.TemperatureC);
    }

    [Fact]
    public void WriteRead_Telemetry_RoundTripsEveryField()
    {
        var recorded = SnapshotFile.Read(Path.Combine(Snapshots, "h100-driver580-metrics.json"));
        var gpu = recorded.Nvml.Gpus[0];
        Assert.Equal(new GpuTelemetry
        {
            SmClockMHz = 345,
            MemoryClockMHz = 2619,
            MemoryTemperatureC = 41,
            TotalEnergyMillijoules = 3215402117,
            PerformanceState = 0,
            ClocksEventReasons = 1,
            EncoderUtilization = 0,
            DecoderUtilization = 0,
            PcieLinkGeneration = 5,
            PcieLinkWidth = 16,
            PcieReplays = 0,
            EccCorrectedVolatile = 0,
            EccUncorrectedVolatile = 0,
            EccCorrectedAggregate = 0,
            EccUncorrectedAggregate = 0,
            RemappedRowsCorrectable = 0,
            RemappedRowsUncorrectable = 0,
            RowRemapPending = false,
            RowRemapFailed = false,
        }, gpu.Telemetry);

        SnapshotFile.Write(temp.Combine("again.json"), recorded);
        var again = SnapshotFile.Read(temp.Combine("again.json")).Nvml.Gpus[0];
        Assert.Equal(gpu.Telemetry, again.Telemetry);
        Assert.Equal(gpu.MemoryFreeBytes, again.MemoryFreeBytes);
        Assert.Equal(0, again.MinorNumber);
    }

    [Fact]
    public void LibraryCandidates_HostRootElsewhere_LinkerCacheFirstThenUsualFolders()
    {
        var root = FakeHostRoot.BuildH100(temp.Combine("host"));
        var candidates = NvmlSession.LibraryCandidates(root);
        Assert.Equal("libnvidia-ml.so.1", candidates[0]);
        Assert.Equal(Path.Join(root, "/usr/local/nvidia/lib64/libnvidia-ml.so.1"), candidates[1]); // what the H100's ldconfig -p says
        Assert.Contains(Path.Join(root, "usr/lib/x86_64-linux-gnu", "libnvidia-ml.so.1"), candidates);
        Assert.Equal(candidates.Count, candidates.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(["libnvidia-ml.so.1"], NvmlSession.LibraryCandidates("/"));
    }
}
