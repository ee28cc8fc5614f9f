namespace Nvsdk.Core.Platform;

/// <summary>
/// The members every forward-only, write-only wrapper of ours answers the same way (no reading; flushing goes to
/// the stream underneath, which it never owns), so each wrapper states only what it does with the bytes it writes
/// through.
/// </summary>
public abstract class WriteThroughStream(Stream inner) : ForwardOnlyStream
{
    /// <summary>Where the bytes go; disposing this stream leaves it open.</summary>
    protected Stream Inner => inner;

    public override bool CanRead => false;

    public override bool CanWrite => true;

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
