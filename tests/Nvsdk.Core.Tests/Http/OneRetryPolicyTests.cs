using System.Security.Cryptography;
using Nvsdk.Core.Cache;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Fetch;
using Nvsdk.Core.Mirror;
using Nvsdk.Core.Oci;
using Nvsdk.Core.Oci.Registry;
using Nvsdk.Core.Store;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Http;

/// <summary>
/// Every HTTP user rides the one pipeline's one retry policy, counted at a loopback server: a persistent 503
/// costs <see cref="FetchOptions.AttemptsPerSource"/> requests for fetch, S3 upload, registry push and cache
/// pull alike (no loop of their own multiplies it), and an upload that fails once is replayed whole.
/// </summary>
public sealed class OneRetryPolicyTests : IAsyncDisposable
{
    private const string Digest = "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"; // "hello"
    private const string UploadPath = "/upload/1";
    private static readonly FetchOptions Fast = new() { AttemptsPerSource = 4, InitialBackoff = TimeSpan.FromMilliseconds(1), MaxBackoff = TimeSpan.FromMilliseconds(5) };
    private static readonly byte[] Hello = "hello"u8.ToArray();

    private readonly FaultHttpServer server = new();
    private readonly TempDir temp = new("nvsdk-retry-");

    public async ValueTask DisposeAsync()
    {
        await server.DisposeAsync();
        temp.Dispose();
    }

    [Fact]
    public async Task Fetch_Persistent503_CostsAttemptsOnceWithARetryNoticeEach()
    {
        server.Route("/a.tar.xz", Fault.Status(503));
        var events = new List<FetchEvent>();
        using var downloader = new ArtifactDownloader(Fast);

        var e = await Assert.ThrowsAsync<FetchException>(() => downloader.DownloadAsync(TestArtifacts.For(Hello, "a.tar.xz", server.Url("/a.tar.xz")), temp.Combine("a.part"), events.Add));

        Assert.Equal(Fast.AttemptsPerSource, server.Count("/a.tar.xz"));
        Assert.Equal(Fast.AttemptsPerSource - 1, events.OfType<FetchEvent.SourceFailed>().Count(f => f.WillRetry && f.Reason == "HTTP 503"));
        Assert.Contains("HTTP 503", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task S3Upload_Persistent503_CostsAttemptsOnce()
    {
        server.Route("/bucket/a.tar.xz", Fault.Status(503));
        using var s3 = S3();

        await Assert.ThrowsAsync<MirrorException>(() => s3.PutObjectAsync("a.tar.xz", () => new MemoryStream(Hello), Hello.Length, Hex(Hello), new Dictionary<string, string>()));

        Assert.Equal(Fast.AttemptsPerSource, server.Count("/bucket/a.tar.xz"));
        Assert.All(server.Requests, r => Assert.Equal(Hello.Length, r.BodyLength)); // every try sent the whole body again
    }

    [Fact]
    public async Task S3Upload_FailsOnceThenStored_TwoWholePuts()
    {
        server.Route("/bucket/a.tar.xz", Fault.Status(500), Fault.Status(200));
        using var s3 = S3();

        await s3.PutObjectAsync("a.tar.xz", () => new MemoryStream(Hello), Hello.Length, Hex(Hello), new Dictionary<string, string>());

        Assert.Equal([Hello.Length, Hello.Length], server.Requests.Select(r => r.BodyLength));
    }

    [Fact]
    public async Task Push_Persistent503OnUpload_CostsAttemptsOnce()
    {
        RouteUploadSession();
        server.Route(UploadPath, Fault.Status(503));
        using var client = new RegistryClient(new RegistryClientOptions { Fetch = Fast });

        await Assert.ThrowsAsync<RegistryException>(() => client.PushBlobAsync(Image, Blob, () => new MemoryStream(Hello)));

        Assert.Equal(Fast.AttemptsPerSource, server.CountIgnoringQuery(UploadPath));
        Assert.Equal(1, server.Count("/v2/repo/blobs/uploads/")); // the session is not started again around the pipeline
        Assert.Equal(1, server.Count(BlobPath));
    }

    [Fact]
    public async Task Push_Persistent503OnExistenceCheck_CostsAttemptsOnceAndUploadsNothing()
    {
        server.Route(BlobPath, Fault.Status(503));
        using var client = new RegistryClient(new RegistryClientOptions { Fetch = Fast });

        await Assert.ThrowsAsync<RegistryException>(() => client.PushBlobAsync(Image, Blob, () => new MemoryStream(Hello)));

        Assert.Equal(Fast.AttemptsPerSource, server.Requests.Count);
    }

    [Fact]
    public async Task Push_UploadFailsOnceThenCreated_ReplaysTheWholeBody()
    {
        RouteUploadSession();
        server.Route(UploadPath, Fault.Status(502), Fault.Status(201));
        using var client = new RegistryClient(new RegistryClientOptions { Fetch = Fast });

        Assert.True(await client.PushBlobAsync(Image, Blob, () => new MemoryStream(Hello)));

        Assert.Equal([Hello.Length, Hello.Length], server.Requests.Where(r => r.Path.StartsWith(UploadPath, StringComparison.Ordinal)).Select(r => r.BodyLength));
    }

    [Fact]
    public async Task CachePull_Persistent503_CostsAttemptsOnce()
    {
        server.Route("/v2/repo/manifests/cuda-nvcc-12.8.93", Fault.Status(503));
        using var client = new RegistryClient(new RegistryClientOptions { Fetch = Fast });
        var store = NvsdkStore.Open(temp.Combine("store"));

        var e = await Assert.ThrowsAsync<RegistryException>(() => new BinaryCache(client).TryPullAsync(store, "cuda-nvcc-12.8.93", ImageReference.Parse($"127.0.0.1:{server.Port}/repo:latest"), []));

        Assert.Equal(503, e.Status);
        Assert.Equal(Fast.AttemptsPerSource, server.Requests.Count);
    }

    [Fact]
    public async Task Fetch_CancelledDuringRetries_EndsAsCancellationNotAsAFailedSource()
    {
        server.Route("/a.tar.xz", Fault.Status(503));
        using var downloader = new ArtifactDownloader(Fast with { AttemptsPerSource = 1000, InitialBackoff = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromMilliseconds(20) });
        using var cancel = new CancellationTokenSource();
        var events = new List<FetchEvent>();

        var download = downloader.DownloadAsync(TestArtifacts.For(Hello, "a.tar.xz", server.Url("/a.tar.xz")), temp.Combine("a.part"), e =>
        {
            lock (events)
            {
                events.Add(e);
                if (events.Count == 2)
                {
                    cancel.Cancel(); // as SIGINT does, through CliRunner's token
                }
            }
        }, cancel.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => download);
        Assert.InRange(server.Count("/a.tar.xz"), 2, 3);
        Assert.False(File.Exists(temp.Combine("a.part")));
    }

    [Fact]
    public async Task S3Upload_SlowerThanTheStallTimeButMoving_IsNotCutOff()
    {
        server.Route("/bucket/big", Fault.Status(200));
        var body = new byte[10 * 4096];
        using var s3 = S3(Fast with { StallTimeout = TimeSpan.FromMilliseconds(300) });

        // Ten chunks, 100 ms apart: a second in all, more than three times the stall time, never silent for long.
        await s3.PutObjectAsync("big", () => new TricklingStream(body, 4096, TimeSpan.FromMilliseconds(100)), body.Length, Hex(body), new Dictionary<string, string>());

        Assert.Equal(body.Length, server.Requests.Single().BodyLength);
    }

    private void RouteUploadSession()
    {
        server.Route(BlobPath, Fault.Status(404));
        server.Route("/v2/repo/blobs/uploads/", Fault.Status(202, "Location: /upload/1\r\n"));
    }

    private S3Client S3(FetchOptions? options = null) =>
        new(new S3Target(new Uri($"http://127.0.0.1:{server.Port}"), "bucket", string.Empty, "us-east-1"), new S3Credentials("id", "secret"), options: options ?? Fast);

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static string BlobPath => $"/v2/repo/blobs/{Digest}";

    private ImageReference Image => ImageReference.Parse($"127.0.0.1:{server.Port}/repo:latest");

    private static OciDescriptor Blob => new() { MediaType = OciMediaTypes.OciLayerGzip, Digest = Digest, Size = 5 };

    /// <summary>An upload source that hands out <c>chunk</c> bytes per read, each after <c>pause</c>.</summary>
    private sealed class TricklingStream(byte[] data, int chunk, TimeSpan pause) : Nvsdk.Core.Platform.ReadOnlyStream
    {
        private int position;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(pause, cancellationToken);
            var n = Math.Min(Math.Min(chunk, buffer.Length), data.Length - position);
            data.AsMemory(position, n).CopyTo(buffer);
            position += n;
            return n;
        }
    }
}
