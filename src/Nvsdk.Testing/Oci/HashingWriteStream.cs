using System.Security.Cryptography;

namespace Nvsdk.Testing.Oci;

/// <summary>
/// Passes writes on to <c>inner</c> while hashing them with SHA-256, so a layer's diff_id (before the
/// compressor) and digest (after it) come out of one pass with no temp copy of the tar.
/// </summary>
internal sealed class HashingWriteStream(Stream inner) : Stream
{
    private readonly IncrementalHash sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public long BytesWritten { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesWritten;
        set => throw new NotSupportedException();
    }

    /// <summary>"sha256:…" of everything written so far.</summary>
    public string Digest => "sha256:" + Convert.ToHexStringLower(sha256.GetCurrentHash());

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        sha256.AppendData(buffer);
        inner.Write(buffer);
        BytesWritten += buffer.Length;
    }

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            sha256.Dispose();
        }

        base.Dispose(disposing);
    }
}
