using System.Security.Cryptography;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Fetch;

/// <summary>
/// A read-only wrapper that hashes every byte it passes on and checks the pinned size and digest: it fails
/// as soon as more bytes arrive than pinned, and at end of stream if the size or digest is wrong
/// (STYLE habit 3: verify while streaming, never after buffering). For resumed downloads the caller hands
/// in a hash already fed with the bytes on disk, and their count.
/// </summary>
public sealed class VerifyingStream : Stream
{
    private readonly Stream inner;
    private readonly IncrementalHash hash;
    private readonly Sha256Digest? expectedDigest;
    private readonly long? expectedSize;
    private readonly string what;
    private readonly bool leaveOpen;

    public VerifyingStream(
        Stream inner,
        string what,
        Sha256Digest? expectedDigest,
        long? expectedSize,
        IncrementalHash? resumedHash = null,
        long resumedBytes = 0,
        bool leaveOpen = false)
    {
        this.inner = inner;
        this.what = what;
        this.expectedDigest = expectedDigest;
        this.expectedSize = expectedSize;
        this.leaveOpen = leaveOpen;
        hash = resumedHash ?? IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        BytesRead = resumedBytes;
    }

    /// <summary>Bytes seen so far, including resumed ones.</summary>
    public long BytesRead { get; private set; }

    /// <summary>The digest of everything read; set once the end was reached and verified.</summary>
    public Sha256Digest? Digest { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0; // an empty request says nothing about the end (tar readers make them): not a reason to finish
        }

        var n = inner.Read(buffer);
        Account(buffer[..n]);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Account(buffer.Span[..n]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void Account(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            Finish();
            return;
        }

        BytesRead += data.Length;
        if (BytesRead > expectedSize)
        {
            throw new SizeMismatchException(what, expectedSize.Value, BytesRead);
        }

        hash.AppendData(data);
    }

    private void Finish()
    {
        if (Digest is not null)
        {
            return;
        }

        if (expectedSize is { } size && BytesRead != size)
        {
            throw new TruncatedStreamException(what, size, BytesRead);
        }

        var actual = Sha256Digest.FromHash(hash.GetHashAndReset());
        if (expectedDigest is { } expected && actual != expected)
        {
            throw new DigestMismatchException(what, expected, actual, BytesRead);
        }

        Digest = actual;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            hash.Dispose();
            if (!leaveOpen)
            {
                inner.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}
