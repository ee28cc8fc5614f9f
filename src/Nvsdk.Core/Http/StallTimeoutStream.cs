using Nvsdk.Core.Platform;

namespace Nvsdk.Core.Http;

/// <summary>
/// A response body whose every read must make progress within <c>stall</c>: a server that sends headers and
/// then nothing (or a trickle that stops) ends the read with a <see cref="TimeoutException"/> instead of
/// hanging the command for ever. HttpClient.Timeout covers the headers of a streamed response, not its body.
/// The caller's own cancellation still wins and surfaces as cancellation.
/// </summary>
internal sealed class StallTimeoutStream(Stream inner, TimeSpan stall, Uri? url) : ReadOnlyStream
{
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var rented = new byte[buffer.Length];
        var n = ReadAsync(rented, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        rented.AsSpan(0, n).CopyTo(buffer);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(stall);
        try
        {
            return await inner.ReadAsync(buffer, timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{url}: no data for {stall.TotalSeconds:0.#} s (the server stalled)", e);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
