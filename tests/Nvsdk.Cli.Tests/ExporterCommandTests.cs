using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Nvsdk.Testing;

namespace Nvsdk.Cli.Tests;

/// <summary>
/// `nvsdk exporter` end to end: the real binary serving a recorded H100 (the CI path), checked by Prometheus's
/// own tools: promtool lints the exposition, and a real Prometheus scrapes it and answers queries.
/// </summary>
public sealed class ExporterCommandTests : IDisposable
{
    private static readonly string Snapshot = Path.Combine(RepoPaths.Root, "tests", "fixtures", "snapshots", "h100-driver580-metrics.json");

    private const string Uuid = "GPU-686087ce-283f-738c-4c42-2fe82422b5be";

    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>
    /// The only lint findings promtool may report, both inherent to dcgm-exporter's naming that dashboards rely
    /// on: its camelCase `modelName` label, DCGM counters named without `_total`, and the one whose name says
    /// COUNTER. Anything else (and any parse error, exit 1) fails; nvsdk's own series must lint clean.
    /// </summary>
    private static readonly string[] DcgmCompatibilityLint =
    [
        "label names should be written in 'snake_case' not 'camelCase'",
        "counter metrics should have \"_total\" suffix",
        "metric name should not include type 'counter'",
    ];

    [SkippableFact]
    public async Task Exposition_FromSnapshot_PromtoolParsesItAndNvsdkSeriesLintClean()
    {
        CiTools.SkipIf(Promtool.Executable is null, Promtool.MissingReason);
        using var exporter = await ExporterProcess.StartAsync("--from-snapshot", Snapshot);
        var text = await exporter.ScrapeAsync();

        var check = await Promtool.CheckMetricsAsync(text);
        Assert.True(check.ExitCode is 0 or 3, check.ToString()); // 1 would be a text-format error
        var problems = (check.Stdout + check.Stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(problems, p =>
        {
            Assert.StartsWith("DCGM_FI_DEV_", p, StringComparison.Ordinal);
            Assert.Contains(DcgmCompatibilityLint, l => p.EndsWith(l, StringComparison.Ordinal));
        });

        var nvsdkOnly = string.Join('\n', text.Split('\n').SkipWhile(l => !l.StartsWith("# HELP nvsdk_", StringComparison.Ordinal)));
        var clean = await Promtool.CheckMetricsAsync(nvsdkOnly);
        Assert.True(clean.ExitCode == 0, clean.ToString());
    }

    [Fact]
    public async Task Exposition_FromSnapshot_EachFamilyHasHelpAndTypeOnceAndTheH100Values()
    {
        using var exporter = await ExporterProcess.StartAsync("--from-snapshot", Snapshot);
        var lines = (await exporter.ScrapeAsync()).Split('\n');
        var types = lines.Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2]).ToList();
        Assert.Equal(types.Count, types.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(types.Count, lines.Count(l => l.StartsWith("# HELP ", StringComparison.Ordinal)));
        Assert.Contains($"DCGM_FI_DEV_GPU_TEMP{{gpu=\"0\",UUID=\"{Uuid}\",pci_bus_id=\"00000000:00:06.0\",device=\"nvidia0\",modelName=\"NVIDIA H100 80GB HBM3\",Hostname=\"vm\",DCGM_FI_DRIVER_VERSION=\"580.159.04\"}} 34", lines);
        Assert.Contains("nvsdk_gpu_available 1", lines);
        Assert.Contains(lines, l => l.StartsWith("nvsdk_info{version=\"", StringComparison.Ordinal));
        Assert.StartsWith("nvsdk_exporter_scrape_duration_seconds ", lines.Last(l => l.Length > 0), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Prometheus_ScrapesTheExporter_ApiReturnsTheSeriesWithDcgmLabels()
    {
        CiTools.SkipIf(PrometheusServer.Executable is null, PrometheusServer.MissingReason);
        using var exporter = await ExporterProcess.StartAsync("--from-snapshot", Snapshot);
        using var prometheus = await PrometheusServer.StartAsync(exporter.Target, "nvsdk");

        var temp = await prometheus.WaitForAsync("DCGM_FI_DEV_GPU_TEMP");
        var series = Assert.Single(temp.EnumerateArray());
        var labels = series.GetProperty("metric");
        Assert.Equal("DCGM_FI_DEV_GPU_TEMP", labels.GetProperty("__name__").GetString());
        Assert.Equal("0", labels.GetProperty("gpu").GetString());
        Assert.Equal(Uuid, labels.GetProperty("UUID").GetString());
        Assert.Equal("nvidia0", labels.GetProperty("device").GetString());
        Assert.Equal("NVIDIA H100 80GB HBM3", labels.GetProperty("modelName").GetString());
        Assert.Equal("vm", labels.GetProperty("Hostname").GetString());
        Assert.Equal("nvsdk", labels.GetProperty("job").GetString());
        Assert.Equal(exporter.Target, labels.GetProperty("instance").GetString());
        Assert.Equal("34", series.GetProperty("value")[1].GetString());

        Assert.Equal("480", Value(Assert.Single((await prometheus.WaitForAsync("DCGM_FI_DEV_FB_USED")).EnumerateArray())));
        Assert.Equal("1", Value(Assert.Single((await prometheus.WaitForAsync("up{job=\"nvsdk\"}")).EnumerateArray())));
        var warnings = await prometheus.WaitForAsync("nvsdk_doctor_check{status=\"warn\"} == 1", series: 3);
        Assert.Equal(["container.cdi", "driver.sdk", "gpu.persistence"], warnings.EnumerateArray().Select(s => s.GetProperty("metric").GetProperty("check").GetString()).Order());
    }

    [Fact]
    public async Task Scrape_100Times_MedianWellUnder50Ms()
    {
        using var exporter = await ExporterProcess.StartAsync("--from-snapshot", Snapshot);
        await exporter.ScrapeAsync(); // the first request pays for JIT and connection setup
        var times = new List<double>();
        for (var i = 0; i < 100; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await exporter.ScrapeAsync();
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        times.Sort();
        Assert.True(times[50] < 50, $"median {times[50]:0.00} ms, p95 {times[95]:0.00} ms, max {times[99]:0.00} ms");
        var own = (await exporter.ScrapeAsync()).Split('\n').Single(l => l.StartsWith("nvsdk_exporter_scrape_duration_seconds ", StringComparison.Ordinal));
        Assert.True(double.Parse(own.Split(' ')[1], CultureInfo.InvariantCulture) < 0.05, own);
    }

    [SkippableFact]
    public async Task NoGpu_ServesNvsdkSeriesWithGpuUnavailableAndSaysSoOnce()
    {
        Skip.If(File.Exists("/proc/driver/nvidia/version"), "this host has an NVIDIA driver; the no-GPU case needs one without");
        using var exporter = await ExporterProcess.StartAsync("--host-root", FakeHostRoot.BuildH100(temp.Combine("root")));
        var lines = (await exporter.ScrapeAsync()).Split('\n');
        Assert.Contains("nvsdk_gpu_available 0", lines);
        Assert.Contains("nvsdk_nvml_error{error=\"LIBRARY_NOT_FOUND\"} 1", lines);
        Assert.Contains(lines, l => l.StartsWith("nvsdk_doctor_check{check=\"driver.loaded\"", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("DCGM_", StringComparison.Ordinal));
        var stopped = await exporter.StopAsync("INT");
        Assert.Equal(0, stopped.ExitCode);
        Assert.Single(stopped.Stderr.Split('\n'), l => l.Contains("no GPU", StringComparison.Ordinal));
        Assert.Contains("no GPU (NVML LIBRARY_NOT_FOUND): nvsdk_* series only, nvsdk_gpu_available 0", stopped.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task Signal_StopsCleanlyWithExit0(string signal)
    {
        using var exporter = await ExporterProcess.StartAsync("--from-snapshot", Snapshot);
        await exporter.ScrapeAsync();
        var stopped = await exporter.StopAsync(signal);
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
        Assert.Contains("nvsdk exporter: stopped", stopped.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stopped.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Paths_RootLinksToMetricsAndOthersAre404()
    {
        using var exporter = await ExporterProcess.StartAsync("--from-snapshot", Snapshot);
        using var root = await exporter.GetAsync("/");
        Assert.Contains("/metrics", await root.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var missing = await exporter.GetAsync("/favicon.ico");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var metrics = await exporter.GetAsync("/metrics");
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", metrics.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task PortInUse_OneClearLineExit2()
    {
        using var exporter = await ExporterProcess.StartAsync("--from-snapshot", Snapshot);
        var second = await Nvsdk.RunAsync("exporter", "--listen", exporter.Target, "--from-snapshot", Snapshot);
        Assert.Equal(2, second.ExitCode);
        Assert.StartsWith($"nvsdk: error: cannot listen on {exporter.Target}: the port is in use", second.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", second.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("9400")]
    [InlineData("gpu-node:9400")]
    [InlineData("127.0.0.1:99999")]
    public async Task BadListen_OneClearLineExit2(string listen)
    {
        var run = await Nvsdk.RunAsync("exporter", "--listen", listen, "--from-snapshot", Snapshot);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"nvsdk: error: --listen '{listen}': ", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("hint: use HOST:PORT", run.Stderr, StringComparison.Ordinal);
    }

    private static string? Value(JsonElement series) => series.GetProperty("value")[1].GetString();
}
