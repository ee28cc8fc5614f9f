using Nvsdk.Core.Errors;
using Nvsdk.Core.Fetch;
using Nvsdk.Core.Primitives;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Fetch;

/// <summary>Fault injection against a scriptable loopback server: each source failure mode, one test each.</summary>
public sealed class ArtifactDownloaderTests : IAsyncLifetime
{
    private static readonly byte[] Content = FixtureArchives.Payload(300_000, 3);
    private static readonly FetchOptions Fast = new()
    {
        InitialBackoff = TimeSpan.FromMilliseconds(10),
        MaxBackoff = TimeSpan.FromMilliseconds(50),
        StallTimeout = TimeSpan.FromSeconds(1),
        AttemptsPerSource = 3,
    };

    private readonly FaultHttpServer server = new();
    private readonly TempDir temp = new();

    private string Partial => temp.Combine("a.part");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        temp.Dispose();
    }

    private async Task<DownloadResult> DownloadAsync(Nvsdk.Core.LockFile.Artifact artifact, FetchOptions? options = null)
    {
        using var downloader = new ArtifactDownloader(options ?? Fast);
        return await downloader.DownloadAsync(artifact, Partial);
    }

    [Fact]
    public async Task Download_MirrorReturns404_UsesUpstream()
    {
        server.Route("/mirror/a.tar.xz", Fault.Status(404));
        server.Route("/upstream/a.tar.xz", Fault.Serve(Content));
        var result = await DownloadAsync(TestArtifacts.For(Content, "a.tar.xz", server.Url("/mirror/a.tar.xz"), server.Url("/upstream/a.tar.xz")));
        Assert.Equal(Sha256Digest.Of(Content), result.Digest);
        Assert.EndsWith("/upstream/a.tar.xz", result.Source.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, server.Count("/mirror/a.tar.xz")); // 404 is not retried
        Assert.Equal(Content, await File.ReadAllBytesAsync(Partial));
    }

    [Fact]
    public async Task Download_500TwiceThenOk_RetriesSameSource()
    {
        server.Route("/a.tar.xz", Fault.Status(500), Fault.Status(503), Fault.Serve(Content));
        var result = await DownloadAsync(TestArtifacts.For(Content, "a.tar.xz", server.Url("/a.tar.xz")));
        Assert.Equal(Sha256Digest.Of(Content), result.Digest);
        Assert.Equal(3, server.Count("/a.tar.xz"));
    }

    [Fact]
    public async Task Download_500Always_GivesUpAfterBoundedAttemptsAndNamesTheUrl()
    {
        server.Route("/a.tar.xz", Fault.Status(500));
        var e = await Assert.ThrowsAsync<FetchException>(() => DownloadAsync(TestArtifacts.For(Content, "a.tar.xz", server.Url("/a.tar.xz"))));
        Assert.Equal(Fast.AttemptsPerSource, server.Count("/a.tar.xz"));
        Assert.Equal(ErrorCode.FetchFailed, e.Code);
        Assert.Contains(e.Attempts, a => a.Url == server.Url("/a.tar.xz"));
    }

    [Fact]
    public async Task Download_BodyCutShort_ResumesWithRange()
    {
        server.Route("/a.tar.xz", Fault.Truncate(Content, 100_000), Fault.Serve(Content));
        var result = await DownloadAsync(TestArtifacts.For(Content, "a.tar.xz", server.Url("/a.tar.xz")));
        Assert.Equal(Sha256Digest.Of(Content), result.Digest);
        var requests = server.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.Null(requests[0].Range);
        Assert.Equal("bytes=100000-", requests[1].Range);
        Assert.Equal(Content.Length - 100_000, result.BytesTransferred);
    }

    [Fact]
    public async Task Download_ServerIgnoresRange_StartsOverAndStillVerifies()
    {
        server.Route("/a.tar.xz", Fault.Truncate(Content, 50_000), Fault.ServeIgnoringRange(Content));
        var result = await DownloadAsync(TestArtifacts.For(Content, "a.tar.xz", server.Url("/a.tar.xz")));
        Assert.Equal(Sha256Digest.Of(Content), result.Digest);
        Assert.Equal(Content, await File.ReadAllBytesAsync(Partial));
    }

    [Fact]
    public async Task Download_PartialFromEarlierRun_ResumesAcrossRuns()
    {
        await File.WriteAllBytesAsync(Partial, Content[..120_000]);
        server.Route("/a.tar.xz", Fault.Serve(Content));
        var result = await DownloadAsync(TestArtifacts.For(Content, "a.tar.xz", server.Url("/a.tar.xz")));
        Assert.Equal(Sha256Digest.Of(Content), result.Digest);
        Assert.Equal("bytes=120000-", server.Requests.Single().Range);
    }

    [Fact]
    public async Task Download_CompletePartialWithoutPinnedSize_VerifiedFrom416()
    {
        await File.WriteAllBytesAsync(Partial, Content);
        server.Route("/a.tar.xz", Fault.Serve(Content));
        var result = await DownloadAsync(TestArtifacts.For(Content, "a.tar.xz", pinned: true, withSize: false, server.Url("/a.tar.xz")));
        Assert.Equal(Sha256Digest.Of(Content), result.Digest);
        Assert.Equal(0, result.BytesTransferred);
    }

    [Fact]
    public async Task Download_WrongContentEverywhere_FailsWithMismatchAndKeepsNothing()
    {
        var other = FixtureArchives.Payload(Content.Length, 99);
        server.Route("/mirror/a.tar.xz", Fault.Serve(other));
        server.Route("/upstream/a.tar.xz", Fault.Serve(other));
        var e = await Assert.ThrowsAsync<FetchException>(() => DownloadAsync(TestArtifacts.For(Content, "a.tar.xz", server.Url("/mirror/a.tar.xz"), server.Url("/upstream/a.tar.xz"))));
        Assert.Equal(ErrorCode.DigestMismatch, e.Code);
        Assert.Equal(2, e.Attempts.Count);
        var mismatch = Assert.IsType<DigestMismatchException>(e.Attempts[^1].Error);
        Assert.Equal(Sha256Digest.Of(Content), mismatch.Expected);
        Assert.Equal(Sha256Digest.Of(other), mismatch.Actual);
        Assert.False(File.Exists(Partial));
        Assert.Equal(1, server.Count("/mirror/a.tar.xz")); // wrong bytes are not retried
    }

    [Fact]
    public async Task Download_MirrorHasWrongContent_UpstreamStartsClean()
    {
        server.Route("/mirror/a.tar.xz", Fault.Serve(FixtureArchives.Payload(Content.Length, 5)));
        server.Route("/upstream/a.tar.xz", Fault.Serve(Content));
        var result = await DownloadAsync(TestArtifacts.For(Content, "a.tar.xz", server.Url("/mirror/a.tar.xz"), server.Url("/upstream/a.tar.xz")));
        Assert.Equal(Sha256Digest.Of(Content), result.Digest);
        Assert.Null(server.Requests.Last().Range);
    }

    [Fact]
    public async Task Download_LongerThanPinned_StopsEarlyWithSizeMismatch()
    {
        server.Route("/a.tar.xz", Fault.Serve([.. Content, .. Content]));
        var e = await Assert.ThrowsAsync<FetchException>(() => DownloadAsync(TestArtifacts.For(Content, "a.tar.xz", server.Url("/a.tar.xz"))));
        Assert.IsType<SizeMismatchException>(e.Attempts.Single().Error);
        Assert.False(File.Exists(Partial));
    }

    [Fact]
    public async Task Download_SlowMirror_TimesOutThenUsesNextSource()
    {
        server.Route("/mirror/a.tar.xz", Fault.Stall(Content, TimeSpan.FromSeconds(30)));
        server.Route("/upstream/a.tar.xz", Fault.Serve(Content));
        var options = Fast with { AttemptsPerSource = 1, StallTimeout = TimeSpan.FromMilliseconds(500) };
        var result = await DownloadAsync(TestArtifacts.For(Content, "a.tar.xz", server.Url("/mirror/a.tar.xz"), server.Url("/upstream/a.tar.xz")), options);
        Assert.EndsWith("/upstream/a.tar.xz", result.Source.ToString(), StringComparison.Ordinal);
        Assert.Equal(Sha256Digest.Of(Content), result.Digest);
    }

    [Fact]
    public async Task Download_UnresolvableHost_FailsAtOnceNamingTheHost()
    {
        var artifact = TestArtifacts.For(Content, "a.tar.xz", "https://no-such-host.invalid/a.tar.xz");
        var e = await Assert.ThrowsAsync<FetchException>(() => DownloadAsync(artifact));
        Assert.Contains("no-such-host.invalid", e.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.FetchFailed, e.Code);
    }

    [Fact]
    public async Task Download_FileSource_CopiesAndVerifies()
    {
        var source = temp.Combine("a.tar.xz");
        await File.WriteAllBytesAsync(source, Content);
        var result = await DownloadAsync(TestArtifacts.For(Content, "a.tar.xz", new Uri(source).ToString()));
        Assert.Equal(Sha256Digest.Of(Content), result.Digest);
    }

    [Fact]
    public async Task Download_Unpinned_ReportsTheDigestItSaw()
    {
        server.Route("/a.tar.xz", Fault.Serve(Content));
        var result = await DownloadAsync(TestArtifacts.For(Content, "a.tar.xz", pinned: false, withSize: false, server.Url("/a.tar.xz")));
        Assert.Equal(Sha256Digest.Of(Content), result.Digest);
    }
}
