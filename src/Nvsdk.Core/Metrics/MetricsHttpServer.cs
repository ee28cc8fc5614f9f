using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Nvsdk.Core.Errors;

namespace Nvsdk.Core.Metrics;

/// <summary>
/// A minimal HTTP/1.1 server for the exporter over a TcpListener (no ASP.NET, AOT-safe): GET or HEAD
/// /metrics answers the exposition, / a page linking to it, anything else 404. Connections are kept alive
/// as Prometheus expects; a connection that idles, trickles its head, does not read its answer, sends an
/// oversized or malformed head, or arrives past the connection cap is closed (<see cref="MetricsServerLimits"/>),
/// so a slow or hostile client cannot pin the exporter.
/// </summary>
public sealed class MetricsHttpServer : IDisposable
{
    private const int MaxHead = 8 * 1024;

    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();
    private const string Index = "<html><head><title>nvsdk exporter</title></head><body><h1>nvsdk exporter</h1><p><a href=\"/metrics\">Metrics</a></p></body></html>\n";

    private readonly TcpListener listener;
    private readonly Func<string> metrics;
    private readonly Action<string> log;
    private readonly MetricsServerLimits limits;
    private int open;

    private MetricsHttpServer(TcpListener listener, Func<string> metrics, Action<string> log, MetricsServerLimits limits)
    {
        this.listener = listener;
        this.metrics = metrics;
        this.log = log;
        this.limits = limits;
    }

    /// <summary>Where it really listens (the kernel's port when 0 was asked for).</summary>
    public ListenAddress Endpoint => listener.LocalEndpoint is IPEndPoint ep ? new ListenAddress(ep.Address, ep.Port) : default;

    /// <summary>Binds now, so a port in use is one clear error before anything else starts.</summary>
    public static MetricsHttpServer Start(ListenAddress address, Func<string> metrics, Action<string> log, MetricsServerLimits? limits = null)
    {
        var listener = new TcpListener(address.Address, address.Port);
        try
        {
            listener.Start(backlog: 128);
        }
        catch (SocketException e)
        {
            listener.Dispose();
            var (why, hint) = e.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => ("the port is in use", "stop what holds it (`ss -ltnp`) or pick another --listen port"),
                SocketError.AddressNotAvailable => ("that address is not one of this machine's", "use 127.0.0.1, 0.0.0.0 or an address `ip addr` lists"),
                SocketError.AccessDenied => ("permission denied", "ports below 1024 need root or CAP_NET_BIND_SERVICE; 9400 is the usual exporter port"),
                _ => (e.Message, "check --listen"),
            };
            throw new NvsdkException(ErrorCode.InvalidInput, $"cannot listen on {address}: {why}", e) { Hint = hint };
        }

        return new MetricsHttpServer(listener, metrics, log, limits ?? new MetricsServerLimits());
    }

    /// <summary>Accepts connections until <paramref name="cancellationToken"/> fires, then closes them all.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var connections = new ConcurrentDictionary<int, Task>();
        var next = 0;
        try
        {
            while (true)
            {
                var socket = await listener.AcceptSocketAsync(cancellationToken).ConfigureAwait(false);
                var id = next++;
                var admitted = Interlocked.Increment(ref open) <= limits.MaxConnections;
                connections[id] = Task.Run(
                    async () =>
                    {
                        try
                        {
                            await (admitted ? ServeAsync(socket, cancellationToken) : RefuseAsync(socket, cancellationToken)).ConfigureAwait(false);
                        }
                        finally
                        {
                            Interlocked.Decrement(ref open);
                            connections.TryRemove(id, out _);
                        }
                    },
                    CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            listener.Stop();
            await Task.WhenAll(connections.Values).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
        }
    }

    public void Dispose() => listener.Dispose();

    /// <summary>Past the connection cap: one short 503 (bounded by the write timeout), then close.</summary>
    private async Task RefuseAsync(Socket socket, CancellationToken cancellationToken)
    {
        using (socket)
        {
            var stream = new NetworkStream(socket, ownsSocket: false);
            await using (stream.ConfigureAwait(false))
            {
                try
                {
                    await WriteAsync(stream, 503, "Service Unavailable", "text/plain; charset=utf-8", "too many connections\n", head: false, keepAlive: false, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
                {
                    // The client is gone or will not read: either way it is closed now.
                }
            }
        }
    }

    private async Task ServeAsync(Socket socket, CancellationToken cancellationToken)
    {
        using (socket)
        {
            socket.NoDelay = true;
            var stream = new NetworkStream(socket, ownsSocket: false);
            await using (stream.ConfigureAwait(false))
            {
                try
                {
                    var buffer = new byte[MaxHead];
                    var filled = 0;
                    while (true)
                    {
                        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                        idle.CancelAfter(filled > 0 ? limits.HeadTimeout : limits.IdleTimeout);
                        int end;
                        while ((end = buffer.AsSpan(0, filled).IndexOf(HeadEnd)) < 0)
                        {
                            if (filled == buffer.Length)
                            {
                                await WriteAsync(stream, 431, "Request Header Fields Too Large", "text/plain; charset=utf-8", "request head too large\n", head: false, keepAlive: false, cancellationToken).ConfigureAwait(false);
                                await LingerAsync(socket, stream, cancellationToken).ConfigureAwait(false);
                                return;
                            }

                            var n = await stream.ReadAsync(buffer.AsMemory(filled), idle.Token).ConfigureAwait(false);
                            if (n == 0)
                            {
                                return;
                            }

                            if (filled == 0)
                            {
                                idle.CancelAfter(limits.HeadTimeout); // a head has begun: it must arrive whole, soon
                            }

                            filled += n;
                        }

                        var request = HttpRequestHead.Parse(Encoding.ASCII.GetString(buffer, 0, end));
                        filled -= end + HeadEnd.Length;
                        buffer.AsSpan(end + HeadEnd.Length, filled).CopyTo(buffer);
                        if (!await RespondAsync(stream, request, cancellationToken).ConfigureAwait(false))
                        {
                            await LingerAsync(socket, stream, cancellationToken).ConfigureAwait(false);
                            return;
                        }
                    }
                }
                catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
                {
                    // The client went away, idled out, or the exporter is stopping: nothing to answer.
                }
            }
        }
    }

    /// <summary>
    /// Ends a connection the server chose to end: send FIN, then read and drop what the client still sends
    /// (a body, the rest of an oversized head) for a moment, so the close does not turn into a reset that
    /// destroys the response before the client has read it.
    /// </summary>
    private static async Task LingerAsync(Socket socket, NetworkStream stream, CancellationToken cancellationToken)
    {
        socket.Shutdown(SocketShutdown.Send);
        using var linger = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        linger.CancelAfter(TimeSpan.FromSeconds(2));
        var sink = new byte[4096];
        for (var total = 0; total < 1 << 20;)
        {
            var n = await stream.ReadAsync(sink, linger.Token).ConfigureAwait(false);
            if (n == 0)
            {
                return;
            }

            total += n;
        }
    }

    /// <summary>Answers one request; false when the connection must end.</summary>
    private async Task<bool> RespondAsync(NetworkStream stream, HttpRequestHead? request, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            await WriteAsync(stream, 400, "Bad Request", "text/plain; charset=utf-8", "not an HTTP/1.x request\n", head: false, keepAlive: false, cancellationToken).ConfigureAwait(false);
            return false;
        }

        var head = request.Method == "HEAD";
        if (!head && request.Method != "GET")
        {
            await WriteAsync(stream, 405, "Method Not Allowed", "text/plain; charset=utf-8", "only GET and HEAD\n", head: false, request.KeepAlive, cancellationToken, "Allow: GET, HEAD\r\n").ConfigureAwait(false);
            return request.KeepAlive;
        }

        switch (request.Path)
        {
            case "/metrics":
                string body;
                try
                {
                    body = metrics();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A bug in one scrape must not take the exporter down; Prometheus records the 500 as `up 0`.
                    log($"scrape failed: {e.Message}");
                    await WriteAsync(stream, 500, "Internal Server Error", "text/plain; charset=utf-8", $"scrape failed: {e.Message}\n", head, keepAlive: false, cancellationToken).ConfigureAwait(false);
                    return false;
                }

                await WriteAsync(stream, 200, "OK", Exposition.ContentType, body, head, request.KeepAlive, cancellationToken).ConfigureAwait(false);
                break;
            case "/":
                await WriteAsync(stream, 200, "OK", "text/html; charset=utf-8", Index, head, request.KeepAlive, cancellationToken).ConfigureAwait(false);
                break;
            default:
                await WriteAsync(stream, 404, "Not Found", "text/plain; charset=utf-8", "not found: the metrics are at /metrics\n", head, request.KeepAlive, cancellationToken).ConfigureAwait(false);
                break;
        }

        return request.KeepAlive;
    }

    /// <summary>Writes one answer; a client that does not read it within the write timeout is dropped.</summary>
    private async Task WriteAsync(NetworkStream stream, int status, string reason, string contentType, string body, bool head, bool keepAlive, CancellationToken stopping, string extraHeaders = "")
    {
        using var write = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        write.CancelAfter(limits.WriteTimeout);
        var cancellationToken = write.Token;
        var bytes = Encoding.UTF8.GetBytes(body);
        var headers = $"HTTP/1.1 {status} {reason}\r\nContent-Type: {contentType}\r\nContent-Length: {bytes.Length}\r\nConnection: {(keepAlive ? "keep-alive" : "close")}\r\n{extraHeaders}\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(headers), cancellationToken).ConfigureAwait(false);
        if (!head)
        {
            await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }

        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
