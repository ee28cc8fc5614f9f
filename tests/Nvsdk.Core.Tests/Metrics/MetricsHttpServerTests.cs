using System.Net;
using System.Net.Sockets;
using System.Text;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Metrics;

namespace Nvsdk.Core.Tests.Metrics;

/// <summary>The exporter's HTTP server on a loopback port, spoken to by HttpClient and by raw sockets.</summary>
public sealed class MetricsHttpServerTests : IAsyncLifetime
{
    private readonly CancellationTokenSource stop = new();
    private readonly List<string> log = [];
    private MetricsHttpServer server = null!;
    private Task running = null!;
    private int scrapes;

    public Task InitializeAsync()
    {
        server = MetricsHttpServer.Start(new ListenAddress(IPAddress.Loopback, 0), Scrape, log.Add);
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

    private string Scrape() => Interlocked.Increment(ref scrapes) == 99 ? throw new InvalidOperationException("boom") : "# TYPE up gauge\nup 1\n";

    private Uri Url(string path) => new($"http://127.0.0.1:{server.Endpoint.Port}{path}");

    [Fact]
    public async Task Get_Metrics_200WithPrometheusContentType()
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(Url("/metrics"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("# TYPE up gauge\nup 1\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_Root_LinksToMetrics()
    {
        using var http = new HttpClient();
        var page = await http.GetStringAsync(Url("/"));
        Assert.Contains("href=\"/metrics\"", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/nope")]
    [InlineData("/metrics/x")]
    public async Task Get_Other_404(string path)
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(Url(path));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Post_405WithAllow()
    {
        using var http = new HttpClient();
        using var content = new StringContent("x");
        using var response = await http.PostAsync(Url("/metrics"), content);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("GET", response.Content.Headers.Allow);
    }

    [Fact]
    public async Task TwoPipelinedRequests_OneConnection_BothAnswered()
    {
        var replies = await RawAsync("GET /metrics HTTP/1.1\r\nHost: a\r\n\r\nHEAD /metrics HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        Assert.Equal(2, CountOf(replies, "HTTP/1.1 200 OK"));
        Assert.Equal(1, CountOf(replies, "up 1\n")); // HEAD has headers only
        Assert.Contains("Connection: close", replies, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Garbage_400AndClosed()
    {
        var reply = await RawAsync("hello there\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 400", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OversizedHead_431()
    {
        var reply = await RawAsync("GET /metrics HTTP/1.1\r\nX: " + new string('a', 10_000) + "\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 431", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScrapeThrows_500AndServerKeepsServing()
    {
        Interlocked.Exchange(ref scrapes, 98);
        using var http = new HttpClient();
        using var failed = await http.GetAsync(Url("/metrics"));
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Contains(log, l => l.Contains("boom", StringComparison.Ordinal));
        Assert.Equal("# TYPE up gauge\nup 1\n", await http.GetStringAsync(Url("/metrics")));
    }

    [Fact]
    public void Start_PortInUse_InvalidInputWithHint()
    {
        var e = Assert.Throws<NvsdkException>(() => MetricsHttpServer.Start(server.Endpoint, Scrape, log.Add));
        Assert.Equal(ErrorCode.InvalidInput, e.Code);
        Assert.IsType<SocketException>(e.InnerException);
        Assert.NotNull(e.Hint);
    }

    [Fact]
    public async Task RunAsync_Cancelled_ReturnsAndClosesIdleConnections()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, server.Endpoint.Port);
        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        var read = await client.GetStream().ReadAsync(new byte[16]).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, read);
    }

    private async Task<string> RawAsync(string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, server.Endpoint.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, string.Empty, StringComparison.Ordinal).Length) / part.Length;
}
