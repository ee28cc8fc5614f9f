using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Nvsdk.Core.Errors;

namespace Nvsdk.Core.Metrics.PodResources;

/// <summary>
/// One unary gRPC call, `v1.PodResourcesLister/List`, to the kubelet's pod-resources socket — what
/// dcgm-exporter calls to label each GPU with the pod that holds it. .NET's HttpClient already speaks
/// HTTP/2 with prior knowledge (h2c) and reads trailers, so the gRPC part is five bytes of framing and a
/// small protobuf decoder (<see cref="PodDevices"/>): no Grpc.Net.Client, Google.Protobuf or protoc
/// generated code in a NativeAOT library for one call with an empty request.
/// </summary>
public sealed class PodResourcesClient : IDisposable
{
    /// <summary>Where the kubelet serves the API; the DaemonSet mounts its folder.</summary>
    public const string DefaultSocket = "/var/lib/kubelet/pod-resources/kubelet.sock";

    /// <summary>The device plugin's resource for whole GPUs (and, with MIG's single strategy, MIG slices).</summary>
    public const string GpuResource = "nvidia.com/gpu";

    /// <summary>The largest response read (a node's every pod and device is a few KiB; this bounds a broken peer).</summary>
    public const int MaxResponseBytes = 16 * 1024 * 1024;

    private readonly HttpClient http;

    public PodResourcesClient(string socketPath, TimeSpan? timeout = null)
    {
        SocketPath = socketPath;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        http = new HttpClient(handler) { Timeout = timeout ?? TimeSpan.FromSeconds(5) };
    }

    public string SocketPath { get; }

    /// <summary>Every device the kubelet has allocated to a container; throws <see cref="PodResourcesException"/> when the call fails.</summary>
    public async Task<IReadOnlyList<PodDevices.Allocation>> ListAsync(CancellationToken cancellationToken = default)
    {
        // An empty ListPodResourcesRequest: the gRPC message prefix (not compressed, length 0) and no bytes.
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://localhost/v1.PodResourcesLister/List")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(new byte[5]),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new PodResourcesException($"{SocketPath}: HTTP {(int)response.StatusCode} from the pod-resources API");
            }

            var body = await ReadBoundedAsync(response, cancellationToken).ConfigureAwait(false);
            CheckStatus(response);
            return PodDevices.Decode(Message(body));
        }
        catch (Exception e) when (e is HttpRequestException or IOException or SocketException or FormatException
            || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new PodResourcesException($"{SocketPath}: pod-resources List failed: {e.Message}", e);
        }
    }

    public void Dispose() => http.Dispose();

    /// <summary>grpc-status sits in the trailers, or in the headers of a trailers-only (error) response.</summary>
    private void CheckStatus(HttpResponseMessage response)
    {
        var status = Header(response.TrailingHeaders, "grpc-status") ?? Header(response.Headers, "grpc-status");
        if (status != "0")
        {
            var message = Header(response.TrailingHeaders, "grpc-message") ?? Header(response.Headers, "grpc-message");
            throw new PodResourcesException($"{SocketPath}: gRPC status {status ?? "missing"} from the pod-resources API{(message is null ? string.Empty : ": " + Uri.UnescapeDataString(message))}");
        }
    }

    private static string? Header(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    /// <summary>The one length-prefixed gRPC message: flag byte (0: not compressed), big-endian u32 length, bytes.</summary>
    private ReadOnlySpan<byte> Message(byte[] body)
    {
        if (body.Length < 5 || body[0] != 0)
        {
            throw new PodResourcesException($"{SocketPath}: {(body.Length < 5 ? "no gRPC message in the response" : "compressed gRPC message (nvsdk asks for none)")}");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(1));
        return length <= body.Length - 5
            ? body.AsSpan(5, (int)length)
            : throw new PodResourcesException($"{SocketPath}: gRPC message of {length} bytes, {body.Length - 5} received");
    }

    private async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int n;
            while ((n = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + n > MaxResponseBytes)
                {
                    throw new PodResourcesException($"{SocketPath}: pod-resources response over {MaxResponseBytes} bytes");
                }

                buffer.Write(chunk, 0, n);
            }

            return buffer.ToArray();
        }
    }
}
