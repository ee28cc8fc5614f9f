namespace Nvsdk.Core.Platform;

/// <summary>
/// The members every forward-only, write-only wrapper of ours answers the same way (no reading, no seeking, no
/// length; flushing goes to the stream underneath, which it never owns), so each wrapper states only what it does
/// with the bytes it writes through.
/// </summary>
public abstract class WriteThroughStream(Stream inner) : Stream
{
    /// <summary>Where the bytes go; disposing this stream leaves it open.</summary>
    protected Stream Inner => inner;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
