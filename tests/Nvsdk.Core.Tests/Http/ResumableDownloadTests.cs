using Nvsdk.Core.Errors;
using Nvsdk.Core.Fetch;
using Nvsdk.Core.Oci;
using Nvsdk.Core.Oci.Registry;
using Nvsdk.Core.Primitives;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Http;

/// <summary>
/// The one resumable download, through both of its users (an HTTP artifact and a registry blob): a damaged
/// partial file that resumes and then fails its digest starts again from zero within the same run, and a
/// server whose copy is too short is named with both sizes, not as "HTTP 416".
/// </summary>
public sealed class ResumableDownloadTests : IAsyncDisposable
{
    private static readonly byte[] Content = FixtureArchives.Payload(200_000, 7);
    private static readonly FetchOptions Fast = new() { AttemptsPerSource = 3, InitialBackoff = TimeSpan.FromMilliseconds(1), MaxBackoff = TimeSpan.FromMilliseconds(5) };

    private readonly FaultHttpServer server = new();
    private readonly TempDir temp = new("nvsdk-resume-");

    public async ValueTask DisposeAsync()
    {
        await server.DisposeAsync();
        temp.Dispose();
    }

    private string Partial => temp.Combine("x.part");

    [Fact]
    public async Task Artifact_DamagedPartial_RestartsFromZeroInTheSameRun()
    {
        await File.WriteAllBytesAsync(Partial, Damaged(80_000));
        server.Route("/a.tar.xz", Fault.Serve(Content));
        var events = new List<FetchEvent>();
        using var downloader = new ArtifactDownloader(Fast);

        var result = await downloader.DownloadAsync(TestArtifacts.For(Content, "a.tar.xz", server.Url("/a.tar.xz")), Partial, events.Add);

        Assert.Equal(Sha256Digest.Of(Content), result.Digest);
        Assert.Equal(Content, await File.ReadAllBytesAsync(Partial));
        Assert.Equal(["bytes=80000-", null], server.Requests.Select(r => r.Range));
        Assert.Contains(events.OfType<FetchEvent.SourceFailed>(), f => f.WillRetry && f.Reason.Contains("starting again from zero", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Blob_DamagedPartial_RestartsFromZeroInTheSameRun()
    {
        await File.WriteAllBytesAsync(Partial, Damaged(80_000));
        server.Route(BlobPath(Content), Fault.Serve(Content));
        using var client = new RegistryClient(new RegistryClientOptions { Fetch = Fast });

        await client.DownloadBlobAsync(Image(Content), Blob(Content), Partial);

        Assert.Equal(Content, await File.ReadAllBytesAsync(Partial));
        Assert.Equal(["bytes=80000-", null], server.Requests.Select(r => r.Range));
    }

    [Fact]
    public async Task Blob_DamagedPartialAndWrongBytesEverywhere_RestartsOnceThenFailsAndKeepsNothing()
    {
        var other = FixtureArchives.Payload(Content.Length, 8);
        await File.WriteAllBytesAsync(Partial, other[..80_000]);
        server.Route(BlobPath(Content), Fault.Serve(other));
        using var client = new RegistryClient(new RegistryClientOptions { Fetch = Fast });

        await Assert.ThrowsAsync<DigestMismatchException>(() => client.DownloadBlobAsync(Image(Content), Blob(Content), Partial));

        Assert.Equal(2, server.Requests.Count);
        Assert.False(File.Exists(Partial));
    }

    [Fact]
    public async Task Blob_ShortOnTheServer_NamesBothSizes()
    {
        server.Route(BlobPath(Content), Fault.Serve(Content[..150_000]));
        using var client = new RegistryClient(new RegistryClientOptions { Fetch = Fast });

        var e = await Assert.ThrowsAsync<SizeMismatchException>(() => client.DownloadBlobAsync(Image(Content), Blob(Content), Partial));

        Assert.Contains("expected 200000 bytes, got 150000", e.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
        Assert.False(File.Exists(Partial));
    }

    [Fact]
    public async Task Blob_ResumePastTheServersEnd_NamesBothSizesNotHttp416()
    {
        await File.WriteAllBytesAsync(Partial, Content[..150_000]);
        server.Route(BlobPath(Content), Fault.Serve(Content[..150_000]));
        using var client = new RegistryClient(new RegistryClientOptions { Fetch = Fast });

        var e = await Assert.ThrowsAsync<SizeMismatchException>(() => client.DownloadBlobAsync(Image(Content), Blob(Content), Partial));

        Assert.Equal("bytes=150000-", server.Requests.Single().Range); // the server answered 416
        Assert.Contains("expected 200000 bytes, got 150000", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("416", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Partial));
    }

    [Fact]
    public async Task Artifact_ResumePastTheServersEnd_NamesBothSizesNotHttp416()
    {
        await File.WriteAllBytesAsync(Partial, Content[..150_000]);
        server.Route("/a.tar.xz", Fault.Serve(Content[..150_000]));
        using var downloader = new ArtifactDownloader(Fast);

        var e = await Assert.ThrowsAsync<FetchException>(() => downloader.DownloadAsync(TestArtifacts.For(Content, "a.tar.xz", server.Url("/a.tar.xz")), Partial));

        var size = Assert.IsType<SizeMismatchException>(e.Attempts.Single().Error);
        Assert.Equal((200_000, 150_000), (size.Expected, size.Actual));
        Assert.DoesNotContain("416", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Partial));
    }

    [Fact]
    public async Task Blob_BodyCutTwice_ResumesUnderTheOnePolicy()
    {
        server.Route(BlobPath(Content), Fault.Truncate(Content, 50_000), Fault.Truncate(Content, 120_000), Fault.Serve(Content)); // the second cut counts from the resume
        using var client = new RegistryClient(new RegistryClientOptions { Fetch = Fast });
        var reported = 0L;

        await client.DownloadBlobAsync(Image(Content), Blob(Content), Partial, n => reported += n);

        Assert.Equal([null, "bytes=50000-", "bytes=170000-"], server.Requests.Select(r => r.Range));
        Assert.Equal(Content.Length, reported);
    }

    private static byte[] Damaged(int length)
    {
        var bytes = Content[..length];
        bytes[length / 2] ^= 0xFF;
        return bytes;
    }

    private static string BlobPath(byte[] content) => $"/v2/repo/blobs/sha256:{Sha256Digest.Of(content).Hex}";

    private ImageReference Image(byte[] content) => ImageReference.Parse($"127.0.0.1:{server.Port}/repo@sha256:{Sha256Digest.Of(content).Hex}");

    private static OciDescriptor Blob(byte[] content) => new() { MediaType = OciMediaTypes.OciLayerGzip, Digest = $"sha256:{Sha256Digest.Of(content).Hex}", Size = content.Length };
}
