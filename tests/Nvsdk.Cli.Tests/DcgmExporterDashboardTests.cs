using System.Text.Json;
using System.Text.RegularExpressions;
using Nvsdk.Core.Tests.Metrics.PodResources;
using Nvsdk.Testing;

namespace Nvsdk.Cli.Tests;

/// <summary>
/// NVIDIA's own dcgm-exporter Grafana dashboard (vendored in tests/fixtures/dcgm-exporter) against a real
/// Prometheus scraping the real `nvsdk exporter`: every panel returns data, except the one that needs DCGM's
/// profiling fields when there is no DCGM; with DCGM (here a gcc-built libdcgm.so.4 test double: the real
/// DCGM is not available on this machine) that panel too, and a GPU shared by two pods is drawn per pod.
/// </summary>
public sealed class DcgmExporterDashboardTests : IDisposable
{
    private static readonly string Fixtures = Path.Combine(RepoPaths.Root, "tests", "fixtures", "dcgm-exporter");
    private static readonly string Dashboard = Path.Combine(Fixtures, "dcgm-exporter-dashboard.json");

    /// <summary>The real recording from the H100 host, with its metric values (scripts/exporter-h100.sh).</summary>
    private static readonly string H100Recording = Path.Combine(RepoPaths.Root, "docs", "runs", "h100-snapshot-with-metrics-2026-11-25.json");

    private static readonly string H200x2 = Path.Combine(RepoPaths.Root, "tests", "fixtures", "snapshots", "h200x2-fleet-derived.json");
    private const string H200Gpu0 = "GPU-3f0a6b1e-9c52-4d7e-a1b3-2c4d5e6f7a80";
    private const string H200Gpu1 = "GPU-8b1c2d3e-4f50-4a6b-9c7d-8e9f0a1b2c3d";

    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    [SkippableFact]
    public async Task Dashboard_H100RecordingWithoutDcgm_EveryPanelButTheProfilingOneHasData()
    {
        CiTools.SkipIf(PrometheusServer.Executable is null, PrometheusServer.MissingReason);
        using var exporter = await ExporterProcess.StartAsync("--from-snapshot", H100Recording);
        using var prometheus = await PrometheusServer.StartAsync(exporter.Target, "dcgm-exporter");

        var (withData, empty) = await RunPanelsAsync(prometheus);
        Assert.Equal(["Tensor Core Utilization"], empty); // DCGM_FI_PROF_PIPE_TENSOR_ACTIVE: only DCGM measures it
        Assert.Equal(7, withData.Count);
        Assert.All(PanelQueries().Where(p => empty.Contains(p.Panel)), p => Assert.Contains("DCGM_FI_PROF_", p.Expr, StringComparison.Ordinal));
        var info = Assert.Single((await prometheus.QueryAsync("nvsdk_exporter_info")).EnumerateArray()).GetProperty("metric");
        Assert.Equal("unavailable", info.GetProperty("prof").GetString());
    }

    [SkippableFact]
    public async Task Dashboard_WithDcgmAndDcgmExportersCountersFile_EveryPanelHasData_SharedGpuPerPod()
    {
        CiTools.SkipIf(PrometheusServer.Executable is null, PrometheusServer.MissingReason);
        CiTools.SkipIf(FakeDcgm.Gcc is null, FakeDcgm.MissingReason);

        // The host root's library folder holds the DCGM double; `--dcgm auto` finds no nv-hostengine there and embeds.
        var hostRoot = temp.Combine("host");
        await FakeDcgm.BuildAsync(Path.Combine(hostRoot, "usr", "lib64"), [H200Gpu0, H200Gpu1]);
        await using var kubelet = await FakeKubelet.StartAsync(temp.Combine("kubelet.sock"));
        kubelet.Response.PodResources.Add(FakeKubelet.Pod("serving", "infer-a", "vllm", "nvidia.com/gpu", H200Gpu1 + "::0"));
        kubelet.Response.PodResources.Add(FakeKubelet.Pod("serving", "infer-b", "vllm", "nvidia.com/gpu", H200Gpu1 + "::1"));
        using var exporter = await ExporterProcess.StartAsync(
            "--from-snapshot", H200x2, "--host-root", hostRoot, "--dcgm", "auto",
            "--collectors", Path.Combine(Fixtures, "default-counters.csv"), "--pod-resources-socket", kubelet.Socket);
        using var prometheus = await PrometheusServer.StartAsync(exporter.Target, "dcgm-exporter");

        var (withData, empty) = await RunPanelsAsync(prometheus);
        Assert.Empty(empty);
        Assert.Equal(8, withData.Count);

        // The profiling series: dcgm-exporter's name, type and labels, DCGM's value, one series per pod on the shared GPU.
        var tensor = (await prometheus.QueryAsync($"DCGM_FI_PROF_PIPE_TENSOR_ACTIVE{{UUID=\"{H200Gpu1}\"}}")).EnumerateArray().ToList();
        Assert.Equal(["infer-a", "infer-b"], tensor.Select(s => s.GetProperty("metric").GetProperty("pod").GetString()).Order(StringComparer.Ordinal));
        Assert.All(tensor, s =>
        {
            var labels = s.GetProperty("metric");
            Assert.Equal(("1", "nvidia1", "NVIDIA H200", "580.159.04", "serving", "vllm"), (labels.GetProperty("gpu").GetString(), labels.GetProperty("device").GetString(), labels.GetProperty("modelName").GetString(), labels.GetProperty("DCGM_FI_DRIVER_VERSION").GetString(), labels.GetProperty("namespace").GetString(), labels.GetProperty("container").GetString()));
            Assert.Equal("0.2004", s.GetProperty("value")[1].GetString());
        });
        Assert.Equal(["0", "1"], tensor.Select(s => s.GetProperty("metric").GetProperty("vgpu").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(2, (await prometheus.QueryAsync($"DCGM_FI_DEV_GPU_UTIL{{UUID=\"{H200Gpu1}\"}}")).GetArrayLength());
        Assert.Equal("gauge", await prometheus.MetricTypeAsync("DCGM_FI_PROF_PIPE_TENSOR_ACTIVE"));

        // The counters file turns on dcgm-exporter's five profiling defaults, no more.
        var prof = await prometheus.QueryAsync("count by (__name__) ({__name__=~\"DCGM_FI_PROF_.*\"})");
        Assert.Equal(
            ["DCGM_FI_PROF_DRAM_ACTIVE", "DCGM_FI_PROF_GR_ENGINE_ACTIVE", "DCGM_FI_PROF_PCIE_RX_BYTES", "DCGM_FI_PROF_PCIE_TX_BYTES", "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE"],
            prof.EnumerateArray().Select(s => s.GetProperty("metric").GetProperty("__name__").GetString()).Order(StringComparer.Ordinal));
        var info = Assert.Single((await prometheus.QueryAsync("nvsdk_exporter_info")).EnumerateArray()).GetProperty("metric");
        Assert.Equal("available", info.GetProperty("prof").GetString());
        Assert.StartsWith("5 field(s) from an embedded DCGM engine", info.GetProperty("prof_reason").GetString(), StringComparison.Ordinal);

        // Ctrl-C stops it as ever: the watch is dropped and the engine stopped on the way out.
        var stopped = await exporter.StopAsync("INT");
        Assert.Equal(0, stopped.ExitCode);
        Assert.Contains("nvsdk exporter: DCGM_FI_PROF_* fields: 5 field(s) from an embedded DCGM engine", stopped.Stderr, StringComparison.Ordinal);
        Assert.EndsWith("nvsdk exporter: stopped\n", stopped.Stderr, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Exporter_BrokenDcgmLibrary_UnavailableLineAndNoProfSeries()
    {
        CiTools.SkipIf(FakeDcgm.Gcc is null, FakeDcgm.MissingReason);
        var hostRoot = temp.Combine("host");
        var library = await FakeDcgm.BuildEmptyAsync(Path.Combine(hostRoot, "usr", "lib64"));
        using var exporter = await ExporterProcess.StartAsync("--from-snapshot", H200x2, "--host-root", hostRoot, "--dcgm", "auto");
        var text = await exporter.ScrapeAsync();
        Assert.DoesNotContain("DCGM_FI_PROF_", text, StringComparison.Ordinal);
        Assert.Contains($"nvsdk_exporter_info{{prof=\"unavailable\",prof_reason=\"{library} lacks dcgmInit,", text, StringComparison.Ordinal);
        var stopped = await exporter.StopAsync("TERM");
        Assert.Equal(0, stopped.ExitCode);
        Assert.Contains($"nvsdk exporter: no DCGM_FI_PROF_* fields: {library} lacks dcgmInit,", stopped.Stderr, StringComparison.Ordinal);
    }

    /// <summary>Runs every panel's queries (and the dashboard's variable queries first); which panels had data and which not.</summary>
    private static async Task<(List<string> WithData, List<string> Empty)> RunPanelsAsync(PrometheusServer prometheus)
    {
        foreach (var (label, metric) in VariableQueries())
        {
            var values = await prometheus.WaitForAsync($"group by ({label}) ({metric})", timeout: TimeSpan.FromSeconds(30));
            Assert.True(values.GetArrayLength() > 0, $"variable label_values({metric}, {label}) has no values");
        }

        List<string> withData = [], empty = [];
        foreach (var (panel, expr) in PanelQueries())
        {
            var result = await prometheus.WaitForAsync(expr, timeout: TimeSpan.FromSeconds(5));
            (result.GetArrayLength() > 0 ? withData : empty).Add(panel);
        }

        return (withData, empty);
    }

    /// <summary>Each panel's PromQL as Grafana sends it with "All" instances and GPUs selected.</summary>
    private static List<(string Panel, string Expr)> PanelQueries()
    {
        var queries = GrafanaPanels.Queries(Dashboard, new Dictionary<string, string> { ["$instance"] = ".*", ["$gpu"] = ".*" });
        Assert.Equal(8, queries.Count);
        return queries;
    }

    /// <summary>The dashboard's `label_values(METRIC, LABEL)` variables.</summary>
    private static List<(string Label, string Metric)> VariableQueries()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Dashboard));
        var variables = new List<(string, string)>();
        foreach (var variable in dashboard.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray())
        {
            if (variable.GetProperty("type").GetString() == "query"
                && Regex.Match(variable.GetProperty("query").GetString()!, @"^label_values\((\w+), *(\w+)\)$") is { Success: true } m)
            {
                variables.Add((m.Groups[2].Value, m.Groups[1].Value));
            }
        }

        Assert.Equal(2, variables.Count); // instance and gpu
        return variables;
    }
}
