using Nvsdk.Core.Errors;
using Nvsdk.Core.Platform;
using static Nvsdk.Core.Platform.LibZstd;

namespace Nvsdk.Core.Unpack;

/// <summary>
/// Decompresses zstd while reading, through the system's libzstd (see <see cref="ZstdDecoders"/> for the choice
/// between this and the managed decoder). Concatenated frames (and skippable frames) are read as one stream, like
/// zstd(1). Input that stops inside a frame is an error, not a short success; damaged input is a
/// <see cref="CorruptArchiveException"/> naming the library's reason and the compressed offset.
/// </summary>
public sealed class ZstdDecoderStream : NativeDecoderStream
{
    private const string Format = "zstd";

    // Large reads: the compressed stream is a socket or a file, and each read is a syscall.
    private const int InputBufferSize = 1 << 20;

    private readonly ZstdDStreamHandle zstd;
    private int inputStart;
    private int inputEnd;
    private long consumed;
    private bool inputEnded;
    private bool finished;

    // What the last ZSTD_decompressStream call that made progress returned: 0 only at a frame boundary with
    // everything flushed, so input that ends with anything else ends inside a frame.
    private nuint lastResult;
    private NvsdkException? failure;

    /// <param name="compressed">The zstd bytes; read forward only.</param>
    /// <param name="leaveOpen">Whether disposing this stream leaves <paramref name="compressed"/> open.</param>
    public ZstdDecoderStream(Stream compressed, bool leaveOpen = false)
        : base(compressed, InputBufferSize, leaveOpen)
    {
        if (!IsAvailable)
        {
            throw new NvsdkException(ErrorCode.Internal, "libzstd.so.1 is not available on this host; use ZstdDecoders.Open, which falls back to the managed decoder");
        }

        zstd = CreateDStream();
        if (zstd.IsInvalid || IsError(InitDStream(zstd)) != 0)
        {
            zstd.Dispose();
            throw new NvsdkException(ErrorCode.Internal, $"zstd: libzstd {LibZstd.Version} could not start a decoder");
        }
    }

    protected override void ReleaseDecoder() => zstd.Dispose();

    protected override bool NeedsInput => !inputEnded && inputStart == inputEnd;

    protected override void AcceptInput(int read)
    {
        inputStart = 0;
        inputEnd = read;
        inputEnded = read == 0;
    }

    /// <summary>One ZSTD_decompressStream call.</summary>
    protected override unsafe bool TryDecode(Span<byte> output, out int produced)
    {
        produced = 0;
        if (failure is not null)
        {
            // A decoder that failed is in an undefined state: keep answering with the real cause.
            throw failure;
        }

        if (finished || output.IsEmpty)
        {
            return true;
        }

        nuint result;
        nuint used;
        fixed (byte* inPtr = Input)
        fixed (byte* outPtr = output)
        {
            var inBuffer = new ZstdInBuffer { Src = inPtr + inputStart, Size = (nuint)(inputEnd - inputStart) };
            var outBuffer = new ZstdOutBuffer { Dst = outPtr, Size = (nuint)output.Length };
            result = DecompressStream(zstd, &outBuffer, &inBuffer);
            used = inBuffer.Pos;
            produced = (int)outBuffer.Pos;
        }

        inputStart += (int)used;
        consumed += (long)used;
        if (IsError(result) != 0)
        {
            failure = new CorruptArchiveException(Format, $"is corrupt ({ErrorName(result)})", consumed);
            throw failure;
        }

        if (produced > 0 || used > 0)
        {
            // Only a call that did something counts: one with no input after a complete frame answers with the
            // size of the next frame's header, which says nothing about the frame before.
            lastResult = result;
            return produced > 0;
        }

        if (inputEnded)
        {
            // All input given and nothing more comes out: the end, if the last frame was complete. No frame at
            // all is refused too, as zstd(1) does: a layer is never zero bytes.
            if (lastResult != 0 || consumed == 0)
            {
                failure = new CorruptArchiveException(Format, "ends early", consumed);
                throw failure;
            }

            finished = true;
            return true;
        }

        return false;
    }
}
