using System.Security.Cryptography;

namespace Nvsdk.Core.Platform;

/// <summary>A write-through stream that hashes and counts what passes, so a layer's digest costs no second read.</summary>
internal sealed class HashingWriteStream(Stream inner, IncrementalHash hash) : WriteThroughStream(inner)
{
    public long Written { get; private set; }

    public override long Length => Written;

    public override long Position
    {
        get => Written;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        hash.AppendData(buffer);
        Written += buffer.Length;
        Inner.Write(buffer);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        hash.AppendData(buffer.Span);
        Written += buffer.Length;
        await Inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
}
