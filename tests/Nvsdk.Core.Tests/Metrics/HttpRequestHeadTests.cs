using Nvsdk.Core.Metrics;

namespace Nvsdk.Core.Tests.Metrics;

public class HttpRequestHeadTests
{
    [Theory]
    [InlineData("GET /metrics HTTP/1.1\r\nHost: x", "GET", "/metrics", true)]
    [InlineData("GET /metrics?x=1 HTTP/1.1\r\nHost: x", "GET", "/metrics", true)]
    [InlineData("GET /metrics HTTP/1.1\r\nConnection: close", "GET", "/metrics", false)]
    [InlineData("GET / HTTP/1.0", "GET", "/", false)]
    [InlineData("GET / HTTP/1.0\r\nConnection: Keep-Alive", "GET", "/", true)]
    [InlineData("HEAD /metrics HTTP/1.1", "HEAD", "/metrics", true)]
    public void Parse_RequestLineAndKeepAlive(string head, string method, string path, bool keepAlive)
    {
        var request = HttpRequestHead.Parse(head);
        Assert.NotNull(request);
        Assert.Equal(method, request.Method);
        Assert.Equal(path, request.Path);
        Assert.Equal(keepAlive, request.KeepAlive);
    }

    [Fact]
    public void Parse_Body_EndsTheConnection()
    {
        var request = HttpRequestHead.Parse("POST /metrics HTTP/1.1\r\nContent-Length: 5");
        Assert.NotNull(request);
        Assert.True(request.HasBody);
        Assert.False(request.KeepAlive);
    }

    [Theory]
    [InlineData("")]
    [InlineData("GET /metrics")]
    [InlineData("GET /metrics SPDY/3")]
    [InlineData("\u0016\u0003\u0001 TLS hello")]
    public void Parse_NotHttp1_Null(string head) => Assert.Null(HttpRequestHead.Parse(head));
}
