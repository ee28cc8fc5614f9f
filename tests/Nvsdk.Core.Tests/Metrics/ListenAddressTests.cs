using System.Net;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Metrics;

namespace Nvsdk.Core.Tests.Metrics;

public class ListenAddressTests
{
    [Theory]
    [InlineData("127.0.0.1:9400", "127.0.0.1", 9400)]
    [InlineData("0.0.0.0:9400", "0.0.0.0", 9400)]
    [InlineData(":9400", "0.0.0.0", 9400)]
    [InlineData("localhost:8080", "127.0.0.1", 8080)]
    [InlineData("[::1]:9400", "::1", 9400)]
    [InlineData("[::]:1", "::", 1)]
    [InlineData("10.1.2.3:0", "10.1.2.3", 0)]
    public void Parse_Valid(string text, string address, int port)
    {
        var parsed = ListenAddress.Parse(text);
        Assert.Equal(IPAddress.Parse(address), parsed.Address);
        Assert.Equal(port, parsed.Port);
    }

    [Theory]
    [InlineData("9400")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:")]
    [InlineData("127.0.0.1:65536")]
    [InlineData("127.0.0.1:-1")]
    [InlineData("127.0.0.1:http")]
    [InlineData("example.com:9400")]
    [InlineData("::1:9400")]
    [InlineData("")]
    public void Parse_Invalid_UsageException(string text)
    {
        var e = Assert.Throws<UsageException>(() => ListenAddress.Parse(text));
        Assert.Equal(ErrorCode.InvalidInput, e.Code);
        Assert.NotNull(e.Hint);
    }

    [Theory]
    [InlineData("127.0.0.1:9400")]
    [InlineData("[::1]:9400")]
    public void ToString_RoundTrips(string text) => Assert.Equal(text, ListenAddress.Parse(text).ToString());
}
