using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nvsdk.Testing;

/// <summary>
/// A small scriptable HTTP/1.1 server on loopback for fault injection: each path plays a sequence of
/// behaviours, one per request (the last repeats; a route without a query matches any query): serve (honouring Range), fail with a status, cut the body
/// short, or stall. Every request is recorded (method, path, Range, body length) so tests can assert what the
/// client asked for and count requests; a request body (an upload) is read in full before the answer.
/// </summary>
public sealed class FaultHttpServer : IAsyncDisposable
{
    private readonly TcpListener listener;
    private readonly CancellationTokenSource stop = new();
    private readonly ConcurrentDictionary<string, RouteState> routes = new(StringComparer.Ordinal);
    private readonly Task acceptLoop;

    public FaultHttpServer()
    {
        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        acceptLoop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public void Route(string path, params Fault[] sequence) => routes[path] = new RouteState(sequence);

    public int Count(string path) => Requests.Count(r => r.Path == path);

    /// <summary>Requests to <paramref name="path"/> whatever their query string.</summary>
    public int CountIgnoringQuery(string path) => Requests.Count(r => r.Path.Split('?')[0] == path);

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = await ReadHeadAsync(stream);
                if (head is null)
                {
                    return;
                }

                var lines = head.Split("\r\n");
                var path = lines[0].Split(' ')[1];
                var range = lines.Skip(1).FirstOrDefault(l => l.StartsWith("Range:", StringComparison.OrdinalIgnoreCase))?[6..].Trim();
                var length = lines.Skip(1).FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))?[15..].Trim();
                var body = await DrainAsync(stream, length is null ? 0 : long.Parse(length, CultureInfo.InvariantCulture));
                Requests.Enqueue(new RecordedRequest(path, range) { Method = lines[0].Split(' ')[0], BodyLength = body });
                var fault = routes.TryGetValue(path, out var route) || routes.TryGetValue(path.Split('?')[0], out route) ? route.Next() : Fault.Status(404);
                await fault.WriteAsync(stream, range, stop.Token);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                // The client went away; that is the point of several faults.
            }
        }
    }

    /// <summary>Reads and counts an upload's body, so the client sees its PUT taken before the answer.</summary>
    private static async Task<long> DrainAsync(NetworkStream stream, long length)
    {
        var buffer = new byte[65536];
        var read = 0L;
        while (read < length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - read)));
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return read;
    }

    private static async Task<string?> ReadHeadAsync(NetworkStream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (buffer.Count < 16384)
        {
            if (await stream.ReadAsync(one) == 0)
            {
                return null;
            }

            buffer.Add(one[0]);
            if (buffer.Count >= 4 && buffer[^1] == '\n' && buffer[^2] == '\r' && buffer[^3] == '\n' && buffer[^4] == '\r')
            {
                return Encoding.ASCII.GetString(buffer.ToArray());
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        await acceptLoop;
        stop.Dispose();
    }

    private sealed class RouteState(Fault[] sequence)
    {
        private int next;

        public Fault Next()
        {
            var i = Interlocked.Increment(ref next) - 1;
            return sequence[Math.Min(i, sequence.Length - 1)];
        }
    }
}

public sealed record RecordedRequest(string Path, string? Range)
{
    public string Method { get; init; } = "GET";

    /// <summary>How many body bytes the request carried (an upload).</summary>
    public long BodyLength { get; init; }
}

/// <summary>One scripted response.</summary>
public abstract record Fault
{
    /// <summary>An empty answer with the status and any extra header lines ("Location: /x\r\n").</summary>
    public static Fault Status(int code, string? headers = null) => new StatusFault(code, headers);

    /// <summary>Serves the bytes, answering a Range request with 206.</summary>
    public static Fault Serve(byte[] body) => new ServeFault(body, CutAfter: null, StallFor: null, HonourRange: true);

    /// <summary>Serves the whole body with 200 even when a Range was asked for.</summary>
    public static Fault ServeIgnoringRange(byte[] body) => new ServeFault(body, CutAfter: null, StallFor: null, HonourRange: false);

    /// <summary>Announces the full length, sends only <paramref name="cutAfter"/> bytes, then closes.</summary>
    public static Fault Truncate(byte[] body, int cutAfter) => new ServeFault(body, cutAfter, StallFor: null, HonourRange: true);

    /// <summary>Sends the headers and a little of the body, then says nothing for <paramref name="stall"/>.</summary>
    public static Fault Stall(byte[] body, TimeSpan stall) => new ServeFault(body, CutAfter: Math.Min(16, body.Length), stall, HonourRange: true);

    internal abstract Task WriteAsync(NetworkStream stream, string? range, CancellationToken cancellationToken);

    protected static async Task WriteHeadAsync(NetworkStream stream, string status, long length, string? extra, CancellationToken cancellationToken)
    {
        var head = $"HTTP/1.1 {status}\r\nContent-Length: {length.ToString(CultureInfo.InvariantCulture)}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n{extra}\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), cancellationToken);
    }

    private sealed record StatusFault(int Code, string? Headers) : Fault
    {
        internal override Task WriteAsync(NetworkStream stream, string? range, CancellationToken cancellationToken) =>
            WriteHeadAsync(stream, $"{Code.ToString(CultureInfo.InvariantCulture)} Fault", 0, Headers, cancellationToken);
    }

    private sealed record ServeFault(byte[] Body, int? CutAfter, TimeSpan? StallFor, bool HonourRange) : Fault
    {
        internal override async Task WriteAsync(NetworkStream stream, string? range, CancellationToken cancellationToken)
        {
            var from = 0L;
            if (HonourRange && range is not null && range.StartsWith("bytes=", StringComparison.Ordinal))
            {
                from = long.Parse(range[6..].TrimEnd('-'), CultureInfo.InvariantCulture);
            }

            if (from >= Body.Length && from > 0)
            {
                await WriteHeadAsync(stream, "416 Range Not Satisfiable", 0, $"Content-Range: bytes */{Body.Length}\r\n", cancellationToken);
                return;
            }

            var length = Body.Length - from;
            if (from > 0)
            {
                await WriteHeadAsync(stream, "206 Partial Content", length, $"Content-Range: bytes {from}-{Body.Length - 1}/{Body.Length}\r\n", cancellationToken);
            }
            else
            {
                await WriteHeadAsync(stream, "200 OK", length, null, cancellationToken);
            }

            var send = CutAfter is { } cut ? Math.Min(cut, length) : length;
            await stream.WriteAsync(Body.AsMemory((int)from, (int)send), cancellationToken);
            await stream.FlushAsync(cancellationToken);
            if (StallFor is { } stall)
            {
                await Task.Delay(stall, cancellationToken);
            }
        }
    }
}
