using System.Globalization;
using System.Text.Json;

namespace Nvsdk.Testing;

/// <summary>
/// Debian's real Prometheus (`apt-get install prometheus`, or NVSDK_PROMETHEUS naming its executable) on a
/// free loopback port, scraping one target every second, with its TSDB in a temporary folder.
/// </summary>
public sealed class PrometheusServer : IDisposable
{
    private readonly System.Diagnostics.Process process;
    private readonly TempDir data;
    private readonly HttpClient http;

    private PrometheusServer(System.Diagnostics.Process process, TempDir data, int port)
    {
        this.process = process;
        this.data = data;
        Port = port;
        http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public int Port { get; }

    public static string? Executable =>
        Environment.GetEnvironmentVariable("NVSDK_PROMETHEUS") is { Length: > 0 } configured && File.Exists(configured)
            ? configured
            : ProcessRunner.Which("prometheus");

    public const string MissingReason = "prometheus is not installed: apt-get install prometheus (scripts/deps.sh), or set NVSDK_PROMETHEUS";

    /// <summary>Starts Prometheus scraping <paramref name="target"/> (host:port) as job <paramref name="job"/>, evaluating <paramref name="ruleFile"/> every second when given.</summary>
    public static async Task<PrometheusServer> StartAsync(string target, string job, string? ruleFile = null)
    {
        var executable = Executable ?? throw new InvalidOperationException(MissingReason);
        for (var attempt = 0; ; attempt++)
        {
            var data = new TempDir("nvsdk-prometheus-");
            var port = LoopbackProcess.FreePort();
            var config = data.Combine("prometheus.yml");
            var rules = ruleFile is null ? string.Empty : $"  evaluation_interval: 1s\nrule_files:\n  - '{ruleFile}'\n";
            await File.WriteAllTextAsync(config, $"global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n{rules}scrape_configs:\n  - job_name: {job}\n    static_configs:\n      - targets: ['{target}']\n");
            var process = ProcessRunner.Start(executable, [
                "--config.file=" + config,
                "--storage.tsdb.path=" + data.Combine("tsdb"),
                "--web.listen-address=127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture),
                "--log.level=warn",
            ]);
            var server = new PrometheusServer(process, data, port);
            if (await LoopbackProcess.WaitForPortAsync(port, process, 400) && await server.ReadyAsync())
            {
                return server;
            }

            var error = process.HasExited ? await process.StandardError.ReadToEndAsync() : string.Empty;
            server.Dispose();
            if (attempt >= 2)
            {
                throw new InvalidOperationException($"prometheus did not start: {error}");
            }
        }
    }

    /// <summary>An instant query's `data.result` array (empty until the first scrape has landed).</summary>
    public async Task<JsonElement> QueryAsync(string promql)
    {
        using var response = JsonDocument.Parse(await http.GetStringAsync("/api/v1/query?query=" + Uri.EscapeDataString(promql)));
        return response.RootElement.GetProperty("data").GetProperty("result").Clone();
    }

    /// <summary>The type Prometheus recorded for a metric from the scrape's `# TYPE` line (`/api/v1/metadata`), or null.</summary>
    public async Task<string?> MetricTypeAsync(string metric)
    {
        using var response = JsonDocument.Parse(await http.GetStringAsync("/api/v1/metadata?metric=" + Uri.EscapeDataString(metric)));
        return response.RootElement.GetProperty("data").TryGetProperty(metric, out var entries) && entries.GetArrayLength() > 0
            ? entries[0].GetProperty("type").GetString()
            : null;
    }

    /// <summary>The alerts Prometheus holds now (`/api/v1/alerts`: labels, annotations, state), pending and firing.</summary>
    public async Task<JsonElement> AlertsAsync()
    {
        using var response = JsonDocument.Parse(await http.GetStringAsync("/api/v1/alerts"));
        return response.RootElement.GetProperty("data").GetProperty("alerts").Clone();
    }

    /// <summary>Polls a query until it returns at least <paramref name="series"/> series, or the timeout passes.</summary>
    public async Task<JsonElement> WaitForAsync(string promql, int series = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var result = await QueryAsync(promql);
            if (result.GetArrayLength() >= series || DateTime.UtcNow > deadline)
            {
                return result;
            }

            await Task.Delay(250);
        }
    }

    private async Task<bool> ReadyAsync()
    {
        for (var i = 0; i < 200 && !process.HasExited; i++)
        {
            try
            {
                using var response = await http.GetAsync("/-/ready");
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        return false;
    }

    public void Dispose()
    {
        http.Dispose();
        LoopbackProcess.Stop(process);
        process.Dispose();
        data.Dispose();
    }
}
