using Nvsdk.Core.Platform;

namespace Nvsdk.Core.Unpack;

/// <summary>
/// The reading loop of a decoder bound to a native library (liblzma, libzstd): fill the input buffer when the
/// decoder has used it up, decode into the caller's buffer, repeat until bytes come out or the stream ends.
/// Subclasses say how one decode step works and how their native state is freed; this class owns the
/// compressed stream, the input buffer and disposal.
/// </summary>
public abstract class NativeDecoderStream : ReadOnlyStream
{
    private readonly Stream compressed;
    private readonly bool leaveOpen;
    private bool disposed;

    /// <param name="compressed">The compressed bytes; read forward only.</param>
    /// <param name="inputBufferSize">Bytes read from <paramref name="compressed"/> at a time.</param>
    /// <param name="leaveOpen">Whether disposing this stream leaves <paramref name="compressed"/> open.</param>
    protected NativeDecoderStream(Stream compressed, int inputBufferSize, bool leaveOpen)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        if (!compressed.CanRead)
        {
            throw new ArgumentException("the compressed stream must be readable", nameof(compressed));
        }

        this.compressed = compressed;
        this.leaveOpen = leaveOpen;

        // Pinned: a native decoder may keep a pointer into it between calls (liblzma's next_in does).
        Input = GC.AllocateUninitializedArray<byte>(inputBufferSize, pinned: true);
    }

    public override bool CanRead => !disposed;

    /// <summary>Where compressed bytes are read to; <see cref="AcceptInput"/> says how many arrived.</summary>
    protected byte[] Input { get; }

    /// <summary>Whether the decoder has used up <see cref="Input"/> and the compressed stream may have more.</summary>
    protected abstract bool NeedsInput { get; }

    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        while (true)
        {
            if (NeedsInput)
            {
                AcceptInput(compressed.Read(Input));
            }

            if (TryDecode(buffer, out var produced))
            {
                return produced;
            }
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <summary>Reads the compressed input asynchronously; the decoding itself runs on the calling thread.</summary>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (NeedsInput)
            {
                AcceptInput(await compressed.ReadAsync(Input, cancellationToken).ConfigureAwait(false));
            }

            if (TryDecode(buffer.Span, out var produced))
            {
                return produced;
            }
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (!disposed)
        {
            disposed = true;
            ReleaseDecoder();
            if (!leaveOpen)
            {
                await compressed.DisposeAsync().ConfigureAwait(false);
            }
        }

        Dispose(false);
        GC.SuppressFinalize(this);
    }

    /// <summary><paramref name="read"/> bytes arrived at the start of <see cref="Input"/>; 0 means the input ended.</summary>
    protected abstract void AcceptInput(int read);

    /// <summary>One decode step into <paramref name="output"/>; true when it produced bytes or reached the end (then 0 bytes).</summary>
    protected abstract bool TryDecode(Span<byte> output, out int produced);

    /// <summary>Frees the native decoder; called once.</summary>
    protected abstract void ReleaseDecoder();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !disposed)
        {
            disposed = true;
            ReleaseDecoder();
            if (!leaveOpen)
            {
                compressed.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}
