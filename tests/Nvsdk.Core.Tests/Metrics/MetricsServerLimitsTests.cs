using System.Net;
using System.Net.Sockets;
using System.Text;
using Nvsdk.Core.Metrics;

namespace Nvsdk.Core.Tests.Metrics;

/// <summary>
/// The exporter against slow and greedy clients on loopback, with short limits: a slowloris head that
/// trickles is cut, connections past the cap get 503, and the exporter keeps answering real scrapes.
/// </summary>
public sealed class MetricsServerLimitsTests : IAsyncLifetime
{
    private static readonly MetricsServerLimits Short = new()
    {
        HeadTimeout = TimeSpan.FromMilliseconds(500),
        IdleTimeout = TimeSpan.FromSeconds(30),
        WriteTimeout = TimeSpan.FromSeconds(2),
        MaxConnections = 2,
    };

    private readonly CancellationTokenSource stop = new();
    private MetricsHttpServer server = null!;
    private Task running = null!;

    public Task InitializeAsync()
    {
        server = MetricsHttpServer.Start(new ListenAddress(IPAddress.Loopback, 0), () => "up 1\n", _ => { }, Short);
        running = server.RunAsync(stop.Token);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        server.Dispose();
        stop.Dispose();
    }

    [Fact]
    public async Task Slowloris_TricklingHead_ConnectionClosedAndScrapesStillServed()
    {
        using var slow = await ConnectAsync();
        var stream = slow.GetStream();
        await stream.WriteAsync("GET /metrics HTTP/1.1\r\n"u8.ToArray());
        var closed = false;
        for (var i = 0; i < 100 && !closed; i++)
        {
            try
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"X-Slow-{i}: a\r\n"));
                await Task.Delay(100);
                closed = slow.Client.Poll(0, SelectMode.SelectRead) && slow.Client.Available == 0;
            }
            catch (IOException)
            {
                closed = true;
            }
        }

        Assert.True(closed, "the server kept a trickling head open past its head timeout");
        Assert.Equal("up 1\n", await ScrapeAsync());
    }

    [Fact]
    public async Task ConnectionsPastTheCap_Get503()
    {
        using var first = await ConnectAsync();
        using var second = await ConnectAsync();
        await Task.Delay(200); // both accepted and counted before the third arrives

        using var third = await ConnectAsync();
        var answer = await new StreamReader(third.GetStream()).ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.StartsWith("HTTP/1.1 503", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectionsPastTheCap_FreedWhenClientsLeave()
    {
        using (await ConnectAsync())
        using (await ConnectAsync())
        {
            await Task.Delay(200);
        }

        string? body = null;
        for (var i = 0; i < 50 && body is null; i++)
        {
            try
            {
                body = await ScrapeAsync();
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100); // the server has not yet seen the two close
            }
        }

        Assert.Equal("up 1\n", body);
    }

    private async Task<TcpClient> ConnectAsync()
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, server.Endpoint.Port);
        return client;
    }

    private async Task<string> ScrapeAsync()
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{server.Endpoint.Port}/metrics"));
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }
}
