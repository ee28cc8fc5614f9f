using Nvsdk.Core.Errors;
using Nvsdk.Core.Gpu.Dcgm;
using Nvsdk.Core.Gpu.Host;
using Nvsdk.Core.Gpu.Nvml;
using Nvsdk.Core.Metrics;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Gpu.Dcgm;

/// <summary>
/// nvsdk's DCGM field watch against a gcc-built libdcgm.so.4 test double (tests/fixtures/dcgm/fake_dcgm.c:
/// DCGM 4's calls and struct layouts, fixed values; the real DCGM is not available here), scraped together
/// with the two-GPU H200 snapshot as the exporter does.
/// </summary>
public sealed class DcgmProfilerTests : IDisposable
{
    private static readonly NvmlReport H200x2 =
        SnapshotFile.Read(Path.Combine(RepoPaths.Root, "tests", "fixtures", "snapshots", "h200x2-fleet-derived.json")).Nvml;

    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    [SkippableFact]
    public async Task Scrape_EmbeddedEngine_EveryProfFieldAsGaugeJoinedToNvmlGpusByUuid()
    {
        // DCGM numbers the GPUs the other way round from NVML: only the UUID join puts each value on its GPU.
        using var dcgm = DcgmProfiler.Open(DcgmMode.Auto, [await BuildTwoGpusAsync(H200x2.Gpus[1].Uuid, H200x2.Gpus[0].Uuid)], DcgmProfField.All);
        Assert.True(dcgm.Available, dcgm.Reason);
        Assert.StartsWith("10 field(s) from an embedded DCGM engine", dcgm.Reason, StringComparison.Ordinal);

        var text = Scrape(dcgm);
        Assert.Contains("# TYPE DCGM_FI_PROF_PIPE_TENSOR_ACTIVE gauge\n", text, StringComparison.Ordinal);
        Assert.Contains("# HELP DCGM_FI_PROF_GR_ENGINE_ACTIVE Ratio of time the graphics engine is active.\n", text, StringComparison.Ordinal);
        Assert.Contains($"\nDCGM_FI_PROF_GR_ENGINE_ACTIVE{Labels(0)} 0.2001\n", text, StringComparison.Ordinal); // DCGM gpu 1
        Assert.Contains($"\nDCGM_FI_PROF_GR_ENGINE_ACTIVE{Labels(1)} 0.1001\n", text, StringComparison.Ordinal); // DCGM gpu 0
        Assert.Contains($"\nDCGM_FI_PROF_PIPE_TENSOR_ACTIVE{Labels(0)} 0.2004\n", text, StringComparison.Ordinal);
        Assert.Contains($"\nDCGM_FI_PROF_DRAM_ACTIVE{Labels(1)} 0.1005\n", text, StringComparison.Ordinal);
        Assert.Contains($"\nDCGM_FI_PROF_PCIE_TX_BYTES{Labels(0)} 2000000\n", text, StringComparison.Ordinal);
        Assert.Contains($"\nDCGM_FI_PROF_PCIE_RX_BYTES{Labels(1)} 2000000\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("DCGM_FI_PROF_SM_OCCUPANCY{", text, StringComparison.Ordinal); // DCGM's blank: absent, not a number
        Assert.Contains("nvsdk_exporter_info{prof=\"available\",prof_reason=\"10 field(s) from an embedded DCGM engine", text, StringComparison.Ordinal);
        Assert.Equal(9 * 2, text.Split('\n').Count(l => l.StartsWith("DCGM_FI_PROF_", StringComparison.Ordinal)));
    }

    [SkippableFact]
    public async Task Open_HostEngineRunning_ConnectsToItInsteadOfEmbedding()
    {
        using var dcgm = DcgmProfiler.Open(DcgmMode.Auto, [await BuildAsync(H200x2.Gpus[0].Uuid, "FAKE_HOSTENGINE=1")], DcgmProfField.Defaults);
        Assert.True(dcgm.Available, dcgm.Reason);
        Assert.StartsWith("5 field(s) from nv-hostengine at 127.0.0.1:5555", dcgm.Reason, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Open_HostEngineAskedForButNotRunning_UnavailableNamingTheConnect()
    {
        using var dcgm = DcgmProfiler.Open(DcgmMode.Parse("127.0.0.1:5555"), [await BuildAsync(H200x2.Gpus[0].Uuid)], DcgmProfField.All);
        Assert.False(dcgm.Available);
        Assert.StartsWith("dcgmConnect_v2 to 127.0.0.1:5555 failed: The connection to the host engine is not valid any longer (-21)", dcgm.Reason, StringComparison.Ordinal);
        Assert.Empty(dcgm.Read());
    }

    [SkippableFact]
    public async Task Open_InitFails_UnavailableWithDcgmsWords()
    {
        using var dcgm = DcgmProfiler.Open(DcgmMode.Auto, [await BuildAsync(H200x2.Gpus[0].Uuid, "FAKE_INIT_FAILS=1")], DcgmProfField.All);
        Assert.Equal((false, "dcgmInit failed: DCGM initialization error (-7)"), (dcgm.Available, dcgm.Reason));
        Assert.DoesNotContain("DCGM_FI_PROF_", Scrape(dcgm), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Open_NotAllFieldsInOnePass_FallsBackToDcgmExportersFiveDefaults()
    {
        var lines = new List<string>();
        using var dcgm = DcgmProfiler.Open(DcgmMode.Auto, [await BuildAsync(H200x2.Gpus[0].Uuid, "FAKE_MAX_PROF_FIELDS=5")], DcgmProfField.All, lines.Add);
        Assert.True(dcgm.Available, dcgm.Reason);
        Assert.Equal(["DCGM_FI_PROF_GR_ENGINE_ACTIVE", "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", "DCGM_FI_PROF_DRAM_ACTIVE", "DCGM_FI_PROF_PCIE_TX_BYTES", "DCGM_FI_PROF_PCIE_RX_BYTES"], dcgm.Fields.Select(f => f.Name));
        Assert.Contains("cannot collect all 10 profiling fields in one pass", Assert.Single(lines), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Scrape_DcgmStopsAnswering_SeriesGoAndInfoSaysWhy()
    {
        using var dcgm = DcgmProfiler.Open(DcgmMode.Auto, [await BuildAsync(H200x2.Gpus[0].Uuid, "FAKE_READ_FAILS_AFTER=1")], DcgmProfField.All);
        Assert.Contains("DCGM_FI_PROF_DRAM_ACTIVE{", Scrape(dcgm), StringComparison.Ordinal);
        var after = Scrape(dcgm);
        Assert.DoesNotContain("DCGM_FI_PROF_", after, StringComparison.Ordinal);
        Assert.Contains("nvsdk_exporter_info{prof=\"unavailable\",prof_reason=\"dcgmGetLatestValues failed: The connection to the host engine is not valid any longer (-21)\"", after, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Open_LibraryWithoutDcgmsCalls_UnavailableNamingWhatIsMissing()
    {
        CiTools.SkipIf(FakeDcgm.Gcc is null, FakeDcgm.MissingReason);
        var library = await FakeDcgm.BuildEmptyAsync(temp.Combine("empty"));
        using var dcgm = DcgmProfiler.Open(DcgmMode.Auto, [library], DcgmProfField.All);
        Assert.False(dcgm.Available);
        Assert.StartsWith($"{library} lacks dcgmInit, dcgmShutdown,", dcgm.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_FileThatIsNoLibrary_UnavailableSayingItCannotBeLoaded()
    {
        var library = temp.Combine("libdcgm.so.4");
        File.WriteAllText(library, "not an ELF file");
        using var dcgm = DcgmProfiler.Open(DcgmMode.Auto, [library], DcgmProfField.All);
        Assert.Equal((false, $"{library} exists but cannot be loaded (not a shared library for this machine?)"), (dcgm.Available, dcgm.Reason));
    }

    [Fact]
    public void Open_Off_NothingLoaded()
    {
        using var dcgm = DcgmProfiler.Open(DcgmMode.Off, ["/nonexistent/libdcgm.so.4"], DcgmProfField.All);
        Assert.Equal((false, "--dcgm off"), (dcgm.Available, dcgm.Reason));
    }

    [Theory]
    [InlineData("auto", DcgmModeKind.Auto, "127.0.0.1:5555")]
    [InlineData("embedded", DcgmModeKind.Embedded, null)]
    [InlineData("off", DcgmModeKind.Off, null)]
    [InlineData("10.0.0.5:5555", DcgmModeKind.HostEngine, "10.0.0.5:5555")]
    public void Parse_Modes(string text, DcgmModeKind kind, string? address) =>
        Assert.Equal(new DcgmMode(kind, address), DcgmMode.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    [InlineData("--off")]
    public void Parse_Nonsense_UsageError(string text) => Assert.Throws<UsageException>(() => DcgmMode.Parse(text));

    private static string Labels(int gpu) =>
        $"{{gpu=\"{gpu}\",UUID=\"{H200x2.Gpus[gpu].Uuid}\",pci_bus_id=\"{H200x2.Gpus[gpu].BusId}\",device=\"nvidia{gpu}\",modelName=\"NVIDIA H200\",Hostname=\"hgx\",DCGM_FI_DRIVER_VERSION=\"580.159.04\"}}";

    private static string Scrape(DcgmProfiler dcgm)
    {
        using var gpus = new SnapshotGpuSource(H200x2);
        return new MetricsScraper(gpus, null, "hgx", "test") { Dcgm = dcgm }.Scrape();
    }

    private Task<string> BuildAsync(string uuid, string? extra = null) => BuildAsync([uuid], extra is null ? [] : [extra]);

    private Task<string> BuildTwoGpusAsync(string first, string second) => BuildAsync([first, second], []);

    private async Task<string> BuildAsync(string[] uuids, string[] switches)
    {
        CiTools.SkipIf(FakeDcgm.Gcc is null, FakeDcgm.MissingReason);
        return await FakeDcgm.BuildAsync(temp.Combine(Guid.NewGuid().ToString("N")), uuids, switches);
    }
}
