using System.Diagnostics;
using System.Globalization;
using Nvsdk.Testing;

namespace Nvsdk.Cli.Tests;

/// <summary>The real `nvsdk exporter` on a free loopback port, scraped over HTTP and stopped by a signal.</summary>
internal sealed class ExporterProcess : IDisposable
{
    private readonly Process process;
    private readonly HttpClient http;

    private ExporterProcess(Process process, int port)
    {
        this.process = process;
        Port = port;
        http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public int Port { get; }

    public string Target => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public int Pid => process.Id;

    public static async Task<ExporterProcess> StartAsync(params string[] args)
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = LoopbackProcess.FreePort();
            var process = Nvsdk.Start(["exporter", "--listen", $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", .. args]);
            if (await LoopbackProcess.WaitForPortAsync(port, process, 600))
            {
                return new ExporterProcess(process, port);
            }

            LoopbackProcess.Stop(process);
            var error = await process.StandardError.ReadToEndAsync();
            process.Dispose();
            if (attempt >= 2)
            {
                throw new InvalidOperationException($"nvsdk exporter did not start: {error}");
            }
        }
    }

    public Task<string> ScrapeAsync() => http.GetStringAsync("/metrics");

    public Task<HttpResponseMessage> GetAsync(string path) => http.GetAsync(path);

    /// <summary>Sends SIGINT or SIGTERM as a terminal or the kubelet would, and returns the exit code and stderr.</summary>
    public async Task<ProcessResult> StopAsync(string signal)
    {
        var kill = await ProcessRunner.RunAsync("kill", ["-s", signal, process.Id.ToString(CultureInfo.InvariantCulture)]);
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException(kill.ToString());
        }

        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    public void Dispose()
    {
        http.Dispose();
        LoopbackProcess.Stop(process);
        process.Dispose();
    }
}
