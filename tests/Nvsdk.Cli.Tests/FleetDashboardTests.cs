using System.Text.Json;
using Nvsdk.Core.Tests.Metrics.PodResources;
using Nvsdk.Testing;

namespace Nvsdk.Cli.Tests;

/// <summary>
/// What ships for the fleet (deploy/grafana, deploy/prometheus) read by its real consumers: promtool checks
/// and unit-tests the alerting rules, and a real Prometheus, loaded with those rules, scrapes the real
/// exporter serving the two-GPU H200 snapshot with a fake kubelet holding GPU 1 for a pod; every query of
/// every dashboard panel must return data and the XID alert must fire.
/// </summary>
public sealed class FleetDashboardTests : IDisposable
{
    private static readonly string Snapshot = Path.Combine(RepoPaths.Root, "tests", "fixtures", "snapshots", "h200x2-fleet-derived.json");
    private static readonly string Rules = Path.Combine(RepoPaths.Root, "deploy", "prometheus", "nvsdk-alerts.rules.yaml");
    private static readonly string Dashboard = Path.Combine(RepoPaths.Root, "deploy", "grafana", "nvsdk-gpu-fleet.json");
    private const string Gpu1 = "GPU-8b1c2d3e-4f50-4a6b-9c7d-8e9f0a1b2c3d";

    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    [SkippableFact]
    public async Task AlertRules_PromtoolChecksAndUnitTestsPass()
    {
        Skip.If(Promtool.Executable is null, Promtool.MissingReason);
        var dir = Path.GetDirectoryName(Rules)!;
        var check = await Promtool.RunAsync(dir, "check", "rules", Path.GetFileName(Rules));
        Assert.True(check.ExitCode == 0, check.ToString());
        var test = await Promtool.RunAsync(dir, "test", "rules", "nvsdk-alerts.test.yaml");
        Assert.True(test.ExitCode == 0, test.ToString());
    }

    [SkippableFact]
    public async Task Dashboard_EveryPanelQueryReturnsData_AndTheXidAlertFires()
    {
        Skip.If(PrometheusServer.Executable is null, PrometheusServer.MissingReason);
        await using var kubelet = await FakeKubelet.StartAsync(temp.Combine("kubelet.sock"));
        kubelet.Response.PodResources.Add(FakeKubelet.Pod("ml", "trainer-0", "pytorch", "nvidia.com/gpu", Gpu1));
        using var exporter = await ExporterProcess.StartAsync("--from-snapshot", Snapshot, "--pod-resources-socket", kubelet.Socket);
        using var prometheus = await PrometheusServer.StartAsync(exporter.Target, "nvsdk", Rules);

        var empty = new List<string>();
        foreach (var (panel, expr) in PanelQueries())
        {
            var result = await prometheus.WaitForAsync(expr, timeout: TimeSpan.FromSeconds(30));
            if (result.GetArrayLength() == 0)
            {
                empty.Add($"{panel}: {expr}");
            }
        }

        Assert.Empty(empty);
        var byPod = await prometheus.QueryAsync("DCGM_FI_DEV_GPU_UTIL{pod=\"trainer-0\"}");
        var labels = Assert.Single(byPod.EnumerateArray()).GetProperty("metric");
        Assert.Equal(("ml", "pytorch", Gpu1), (labels.GetProperty("namespace").GetString(), labels.GetProperty("container").GetString(), labels.GetProperty("UUID").GetString()));

        var alert = await WaitForAlertAsync(prometheus, "GpuXidCritical");
        Assert.Equal("firing", alert.GetProperty("state").GetString());
        Assert.Equal(Gpu1, alert.GetProperty("labels").GetProperty("UUID").GetString());
        Assert.Contains("XID 79", alert.GetProperty("annotations").GetProperty("summary").GetString(), StringComparison.Ordinal);
    }

    /// <summary>Each panel's PromQL as Grafana would send it with "All" hosts and a 1-minute rate interval.</summary>
    private static IEnumerable<(string Panel, string Expr)> PanelQueries() =>
        GrafanaPanels.Queries(Dashboard, new Dictionary<string, string> { ["$Hostname"] = ".*", ["$__rate_interval"] = "1m" });

    private static async Task<JsonElement> WaitForAlertAsync(PrometheusServer prometheus, string name)
    {
        for (var i = 0; i < 120; i++)
        {
            var alerts = await prometheus.AlertsAsync();
            foreach (var alert in alerts.EnumerateArray())
            {
                if (alert.GetProperty("labels").GetProperty("alertname").GetString() == name && alert.GetProperty("state").GetString() == "firing")
                {
                    return alert;
                }
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"alert {name} did not fire");
    }
}
