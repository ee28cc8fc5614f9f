namespace Nvsdk.Core.Platform;

/// <summary>
/// The members every read-only stream of a known length answers the same way (seeking within the length, no
/// writing), for the tar writer, which sizes a member's header from Length: each subclass states only how it
/// reads at <see cref="Position"/> and moves it.
/// </summary>
public abstract class SeekableReadOnlyStream(long length) : Stream
{
    private long position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => position;
        set => position = Math.Clamp(value, 0, length);
    }

    /// <summary>How many of <paramref name="room"/> bytes a read may return before the end.</summary>
    protected int Want(int room) => (int)Math.Min(room, length - position);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => position + offset,
        _ => length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
