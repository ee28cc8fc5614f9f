using Nvsdk.Testing;

namespace Nvsdk.Cli.Tests;

/// <summary>`nvsdk exporter --collectors FILE`: a dcgm-exporter counters CSV chooses the DCGM fields served.</summary>
public sealed class ExporterCollectorsTests : IDisposable
{
    private static readonly string Snapshot = Path.Combine(RepoPaths.Root, "tests", "fixtures", "snapshots", "h200x2-fleet-derived.json");

    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Collectors_DcgmExporterCsv_OnlyItsFieldsAndSaysWhichItCannotServe()
    {
        var csv = temp.Combine("counters.csv");
        await File.WriteAllTextAsync(csv, """
            # DCGM FIELD, Prometheus metric type, help message
            DCGM_FI_DEV_GPU_UTIL,            gauge, GPU utilization (in %).
            DCGM_FI_DEV_XID_ERRORS,          gauge, Value of the last XID error encountered.
            DCGM_FI_PROF_PIPE_TENSOR_ACTIVE, gauge, Ratio of cycles the tensor (HMMA) pipe is active.
            DCGM_FI_DEV_THERMAL_VIOLATION,   counter, Throttling duration due to thermal constraints (in ns).
            DCGM_FI_DRIVER_VERSION,          label, Driver Version
            """);
        using var exporter = await ExporterProcess.StartAsync("--from-snapshot", Snapshot, "--collectors", csv);
        var dcgm = (await exporter.ScrapeAsync()).Split('\n').Where(l => l.StartsWith("DCGM_", StringComparison.Ordinal)).ToList();
        Assert.Equal(["DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_XID_ERRORS"], dcgm.Select(l => l[..l.IndexOf('{', StringComparison.Ordinal)]).Distinct());
        Assert.All(dcgm, l => Assert.Contains(",DCGM_FI_DRIVER_VERSION=\"580.159.04\"}", l, StringComparison.Ordinal));
        var stopped = await exporter.StopAsync("TERM");
        Assert.Contains("--collectors: not served by nvsdk: DCGM_FI_DEV_THERMAL_VIOLATION\n", stopped.Stderr, StringComparison.Ordinal);

        // A profiling field is served when DCGM is there; a recorded host has none, and the exporter says so.
        Assert.Contains("no DCGM_FI_PROF_* fields: serving a recorded snapshot: no DCGM", stopped.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DCGM_FI_DEV_GPU_UTIL gauge no commas\n")]
    [InlineData(null)] // no such file
    public async Task Collectors_BadFile_OneLineExit2(string? content)
    {
        var csv = temp.Combine("counters.csv");
        if (content is not null)
        {
            await File.WriteAllTextAsync(csv, content);
        }

        var result = await Nvsdk.RunAsync("exporter", "--from-snapshot", Snapshot, "--listen", "127.0.0.1:0", "--collectors", csv);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(csv, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dcgm_NotAMode_OneLineExit2()
    {
        var result = await Nvsdk.RunAsync("exporter", "--from-snapshot", Snapshot, "--listen", "127.0.0.1:0", "--dcgm", "two words");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--dcgm: 'two words' is not auto, embedded, off or an nv-hostengine HOST:PORT", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }
}
