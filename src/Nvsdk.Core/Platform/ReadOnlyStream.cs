namespace Nvsdk.Core.Platform;

/// <summary>
/// The members every forward-only, read-only stream of ours answers the same way (no writing, nothing to flush),
/// so each wrapper states only how it reads.
/// </summary>
public abstract class ReadOnlyStream : ForwardOnlyStream
{
    public override bool CanRead => true;

    public override bool CanWrite => false;

    public override void Flush()
    {
    }

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
