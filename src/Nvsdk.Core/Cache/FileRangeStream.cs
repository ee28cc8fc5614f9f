using Nvsdk.Core.Platform;

namespace Nvsdk.Core.Cache;

/// <summary>
/// A read-only, seekable window [offset, offset+length) of a file: what a tar member holding one part of a
/// large file reads. Seekable with a Length, because the tar writer sizes the member's header from it.
/// </summary>
internal sealed class FileRangeStream(FileStream file, long offset, long length) : SeekableReadOnlyStream(length)
{
    public override int Read(Span<byte> buffer)
    {
        var n = RandomAccess.Read(file.SafeFileHandle, buffer[..Want(buffer.Length)], offset + Position);
        Position += n;
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await RandomAccess.ReadAsync(file.SafeFileHandle, buffer[..Want(buffer.Length)], offset + Position, cancellationToken).ConfigureAwait(false);
        Position += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
}
