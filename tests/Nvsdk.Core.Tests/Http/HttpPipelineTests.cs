using Nvsdk.Core.Errors;
using Nvsdk.Core.Fetch;
using Nvsdk.Core.Oci;
using Nvsdk.Core.Oci.Registry;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Http;

/// <summary>
/// The one HTTP pipeline, counted at a loopback fault server: one retry policy, so a persistent 503 costs
/// <see cref="FetchOptions.AttemptsPerSource"/> requests per blob (it cost 16 when retries nested), a 404
/// costs one, and a request that recovers stops retrying.
/// </summary>
public sealed class HttpPipelineTests : IAsyncDisposable
{
    private const string Digest = "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"; // "hello"
    private static readonly FetchOptions Fast = new() { AttemptsPerSource = 4, InitialBackoff = TimeSpan.FromMilliseconds(1), MaxBackoff = TimeSpan.FromMilliseconds(5) };

    private readonly FaultHttpServer server = new();
    private readonly TempDir temp = new("nvsdk-http-");

    public async ValueTask DisposeAsync()
    {
        await server.DisposeAsync();
        temp.Dispose();
    }

    [Fact]
    public async Task DownloadBlobAsync_Persistent503_CostsAttemptsPerSourceRequests()
    {
        server.Route(BlobPath, Fault.Status(503));
        using var client = new RegistryClient(new RegistryClientOptions { Fetch = Fast });

        await Assert.ThrowsAsync<RegistryException>(() => client.DownloadBlobAsync(Image, Blob, temp.Combine("blob.part")));

        Assert.Equal(Fast.AttemptsPerSource, server.Count(BlobPath));
    }

    [Fact]
    public async Task DownloadBlobAsync_NotFound_OneRequest()
    {
        server.Route(BlobPath, Fault.Status(404));
        using var client = new RegistryClient(new RegistryClientOptions { Fetch = Fast });

        await Assert.ThrowsAsync<RegistryException>(() => client.DownloadBlobAsync(Image, Blob, temp.Combine("blob.part")));

        Assert.Equal(1, server.Count(BlobPath));
    }

    [Fact]
    public async Task DownloadBlobAsync_TwoFailuresThenServed_ThreeRequestsAndVerified()
    {
        server.Route(BlobPath, Fault.Status(503), Fault.Status(429), Fault.Serve("hello"u8.ToArray()));
        using var client = new RegistryClient(new RegistryClientOptions { Fetch = Fast });

        await client.DownloadBlobAsync(Image, Blob, temp.Combine("blob.part"));

        Assert.Equal(3, server.Count(BlobPath));
        Assert.Equal("hello", await File.ReadAllTextAsync(temp.Combine("blob.part")));
    }

    private string BlobPath => $"/v2/repo/blobs/{Digest}";

    private ImageReference Image => ImageReference.Parse($"127.0.0.1:{server.Port}/repo@{Digest}");

    private static OciDescriptor Blob => new() { MediaType = OciMediaTypes.OciLayerGzip, Digest = Digest, Size = 5 };
}
