namespace Nvsdk.Core.Platform;

/// <summary>
/// What every forward-only stream of ours answers the same way, whichever direction its bytes flow: no seeking,
/// no length, no position. <see cref="ReadOnlyStream"/> and <see cref="WriteThroughStream"/> add their direction.
/// </summary>
public abstract class ForwardOnlyStream : Stream
{
    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
