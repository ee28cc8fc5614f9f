using Nvsdk.Core.Mirror;

namespace Nvsdk.Core.Tests.Mirror;

public sealed class SigV4Tests
{
    // AWS's published example "GET Object" (Signature Version 4, Authorization header, S3 API reference):
    // the first 10 bytes of examplebucket/test.txt, signed with the documentation's example key pair.
    private static readonly S3Credentials Example = new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    private static readonly DateTimeOffset ExampleTime = new(2013, 5, 24, 0, 0, 0, TimeSpan.Zero);

    private static Dictionary<string, string> ExampleHeaders() => new(StringComparer.Ordinal)
    {
        ["host"] = "examplebucket.s3.amazonaws.com",
        ["range"] = "bytes=0-9",
        ["x-amz-content-sha256"] = SigV4.EmptyPayloadHash,
        ["x-amz-date"] = "20130524T000000Z",
    };

    [Fact]
    public void Authorization_AwsGetObjectExample_MatchesPublishedSignature()
    {
        var header = SigV4.Authorization(Example, "us-east-1", "s3", "GET", "/test.txt", string.Empty, ExampleHeaders(), SigV4.EmptyPayloadHash, ExampleTime);

        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
            header);
    }

    [Fact]
    public void CanonicalRequest_AwsGetObjectExample_HasPublishedShape()
    {
        var canonical = SigV4.CanonicalRequest("GET", "/test.txt", string.Empty, ExampleHeaders(), SigV4.EmptyPayloadHash);

        Assert.Equal(
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\nx-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nx-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            canonical);
    }

    [Fact]
    public void Authorization_HeaderOrder_DoesNotMatter()
    {
        var reversed = new Dictionary<string, string>(ExampleHeaders().Reverse(), StringComparer.Ordinal);

        Assert.Equal(
            SigV4.Authorization(Example, "us-east-1", "s3", "GET", "/test.txt", string.Empty, ExampleHeaders(), SigV4.EmptyPayloadHash, ExampleTime),
            SigV4.Authorization(Example, "us-east-1", "s3", "GET", "/test.txt", string.Empty, reversed, SigV4.EmptyPayloadHash, ExampleTime));
    }

    [Theory]
    [InlineData("cudnn/cudnn-linux-x86_64-9.17.0.29_cuda13-archive.tar.xz", "cudnn/cudnn-linux-x86_64-9.17.0.29_cuda13-archive.tar.xz")]
    [InlineData("a b/c+d", "a%20b/c%2Bd")]
    [InlineData("x~y/é", "x~y/%C3%A9")]
    [InlineData("p=q&r", "p%3Dq%26r")]
    public void EncodeKey_Keys_EncodeAllButUnreservedAndSlash(string key, string expected) =>
        Assert.Equal(expected, SigV4.EncodeKey(key));

    [Fact]
    public void AmzDate_Time_IsCompactUtc() =>
        Assert.Equal("20130524T000000Z", SigV4.AmzDate(new DateTimeOffset(2013, 5, 24, 2, 0, 0, TimeSpan.FromHours(2))));
}
