namespace Nvsdk.Core.Cache;

/// <summary>A read-through stream that reports the running byte count (progress bars for streamed layers).</summary>
internal sealed class ProgressStream(Stream inner, Action<long> progress) : Platform.ReadOnlyStream
{
    private long read;

    public override long Position
    {
        get => read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        Report(n);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Report(n);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void Report(int n)
    {
        if (n > 0)
        {
            read += n;
            progress(read);
        }
    }

}
