using System.Buffers;
using System.Threading.Channels;

namespace Nvsdk.Core.Unpack;

/// <summary>
/// Decouples a decoder from its consumer: a background task reads <c>source</c> (the decompressor, and
/// through it the download or the file) into a few 1 MiB chunks ahead, while the reader (tar parsing,
/// SHA-256 of every member, file writes) works on the previous ones. Decoding and writing then overlap
/// on two cores instead of taking turns on one. Errors of the source (a digest mismatch at its end, a
/// corrupt block) reach the reader at the point it would have read them. Dispose stops and awaits the
/// background task, so the source is free to be used again afterwards.
/// </summary>
internal sealed class ReadAheadStream : Platform.ReadOnlyStream
{
    private readonly int chunkSize;

    private readonly Channel<(byte[] Buffer, int Count)> chunks;
    private readonly CancellationTokenSource stop = new();
    private readonly Task producer;
    private byte[]? current;
    private int offset;
    private int count;
    private bool finished;

    /// <param name="source">What is read ahead; this stream never disposes it.</param>
    /// <param name="depth">Chunks that may wait for the reader.</param>
    /// <param name="chunkSize">Bytes per chunk: 1 MiB for decoded output; less where the reader is slow (compressed input), to keep memory down.</param>
    public ReadAheadStream(Stream source, int depth = 4, int chunkSize = 1 << 20)
    {
        this.chunkSize = chunkSize;
        chunks = Channel.CreateBounded<(byte[] Buffer, int Count)>(new BoundedChannelOptions(depth)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        producer = Task.Run(() => PumpAsync(source));
    }

    private async Task PumpAsync(Stream source)
    {
        try
        {
            while (true)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(chunkSize);
                var n = await source.ReadAsync(buffer.AsMemory(0, chunkSize), stop.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    break;
                }

                await chunks.Writer.WriteAsync((buffer, n), stop.Token).ConfigureAwait(false);
            }

            chunks.Writer.TryComplete();
        }
        catch (Exception e)
        {
            chunks.Writer.TryComplete(e);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0)
        {
            return 0;
        }

        while (current is null || offset == count)
        {
            if (current is not null)
            {
                ArrayPool<byte>.Shared.Return(current);
                current = null;
            }

            if (finished)
            {
                return 0;
            }

            try
            {
                if (!await chunks.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    finished = true;
                    return 0;
                }
            }
            catch (ChannelClosedException e) when (e.InnerException is not null)
            {
                throw e.InnerException;
            }

            if (chunks.Reader.TryRead(out var chunk))
            {
                (current, offset, count) = (chunk.Buffer, 0, chunk.Count);
            }
        }

        var n = Math.Min(buffer.Length, count - offset);
        current.AsSpan(offset, n).CopyTo(buffer.Span);
        offset += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override int Read(Span<byte> buffer)
    {
        var rented = ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            var n = Read(rented, 0, buffer.Length);
            rented.AsSpan(0, n).CopyTo(buffer);
            return n;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            StopAsync().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }

    private async Task StopAsync()
    {
        if (stop.IsCancellationRequested)
        {
            return;
        }

        await stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await producer.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The producer was stopped on purpose.
        }

        while (chunks.Reader.TryRead(out var chunk))
        {
            ArrayPool<byte>.Shared.Return(chunk.Buffer);
        }

        if (current is not null)
        {
            ArrayPool<byte>.Shared.Return(current);
            current = null;
        }

        stop.Dispose();
    }
}
