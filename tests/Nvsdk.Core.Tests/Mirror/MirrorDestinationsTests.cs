using Nvsdk.Core.Errors;
using Nvsdk.Core.Mirror;

namespace Nvsdk.Core.Tests.Mirror;

public sealed class MirrorDestinationsTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;

    private static readonly (string, string)[] Keys = [("AWS_ACCESS_KEY_ID", "id"), ("AWS_SECRET_ACCESS_KEY", "secret")];

    [Fact]
    public void Resolve_UploadToR2_MeansBucketAtR2EndpointRegionAuto()
    {
        using var destination = MirrorDestinations.Resolve(null, null, null, Env([("UPLOAD_TO_R2", "1"), ("R2_BUCKET", "nvidia-redist"), ("R2_ENDPOINT", "https://acct.r2.cloudflarestorage.com"), .. Keys]));

        var s3 = Assert.IsType<S3Mirror>(destination);
        Assert.Equal(new S3Target(new Uri("https://acct.r2.cloudflarestorage.com"), "nvidia-redist", string.Empty, "auto"), s3.Target);
        Assert.Equal("https://acct.r2.cloudflarestorage.com/nvidia-redist/", s3.BaseUrl.AbsoluteUri);
    }

    [Theory]
    [InlineData("s3://b/pre/fix/", null, null, "https://s3.us-east-1.amazonaws.com/b/pre/fix/", "us-east-1")]
    [InlineData("s3://b", "http://127.0.0.1:9000", null, "http://127.0.0.1:9000/b/", "us-east-1")]
    [InlineData("s3://b/p", "http://127.0.0.1:9000", "eu-west-3", "http://127.0.0.1:9000/b/p/", "eu-west-3")]
    public void Resolve_S3Url_PathStyleBaseAndRegion(string to, string? endpoint, string? region, string baseUrl, string signedRegion)
    {
        var env = region is null ? Env(Keys) : Env([.. Keys, ("AWS_REGION", region)]);

        using var destination = MirrorDestinations.Resolve(to, endpoint, null, env);

        var s3 = Assert.IsType<S3Mirror>(destination);
        Assert.Equal(baseUrl, s3.BaseUrl.AbsoluteUri);
        Assert.Equal(signedRegion, s3.Target.Region);
    }

    [Fact]
    public void Resolve_BaseUrl_OverridesWhatTheLockNames()
    {
        using var destination = MirrorDestinations.Resolve("s3://b", "https://acct.r2.cloudflarestorage.com", "https://nvidia-redistributable.weyl.ai", Env(Keys));

        Assert.Equal("https://nvidia-redistributable.weyl.ai/", destination.BaseUrl.AbsoluteUri);
    }

    [Theory]
    [InlineData(null, null, false)] // no destination at all
    [InlineData("s3://b", null, false)] // no credentials
    [InlineData("s3://Bad_Bucket!", null, true)]
    [InlineData("s3://b/../x", null, true)]
    [InlineData("/srv/mirror", "http://127.0.0.1:9000", true)] // --endpoint with a folder
    [InlineData("ftp://host/x", null, true)]
    [InlineData("s3://b", "ftp://host", true)]
    public void Resolve_BadRequest_ThrowsUsage(string? to, string? endpoint, bool withKeys)
    {
        var env = withKeys ? Env(Keys) : Env();

        var e = Assert.Throws<UsageException>(() => MirrorDestinations.Resolve(to, endpoint, null, env).Dispose());

        Assert.Equal(ErrorCode.InvalidInput, e.Code);
    }

    [Fact]
    public void Resolve_UploadToR2WithoutBucket_ThrowsUsage() =>
        Assert.Throws<UsageException>(() => MirrorDestinations.Resolve(null, null, null, Env([("UPLOAD_TO_R2", "1"), .. Keys])));

    [Fact]
    public void Resolve_Folder_FileBaseUrl()
    {
        using var destination = MirrorDestinations.Resolve("/srv/nvsdk mirror", null, null, Env());

        Assert.Equal("file:///srv/nvsdk%20mirror/", destination.BaseUrl.AbsoluteUri);
    }
}
