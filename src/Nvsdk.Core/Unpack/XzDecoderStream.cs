using System.Runtime.InteropServices;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Platform;
using static Nvsdk.Core.Platform.LibLzma;

namespace Nvsdk.Core.Unpack;

/// <summary>
/// Decompresses .xz while reading, through the system's liblzma. With liblzma 5.4+ and more than one thread,
/// the blocks of a multi-block file (what <c>xz -T0</c> writes) are decoded in parallel; a single-block file
/// decodes on one core whatever <c>threads</c> says. Concatenated streams are read as one, like xz(1). The
/// whole input is always consumed, so a damaged or cut tail is reported rather than ignored.
/// </summary>
public sealed class XzDecoderStream : NativeDecoderStream
{
    private const string Format = "xz";
    private const int InputBufferSize = 1 << 20;

    private readonly LzmaStreamHandle lzma;

    // next_in lives in native memory between lzma_code calls: the base class pins Input, so this stays valid.
    private readonly unsafe byte* inputAddress;
    private bool inputEnded;
    private bool finished;
    private NvsdkException? failure;
    private long threadingShare;

    /// <param name="compressed">The .xz bytes; read forward only.</param>
    /// <param name="threads">Decoder threads; 0 means one per processor.</param>
    /// <param name="leaveOpen">Whether disposing this stream leaves <paramref name="compressed"/> open.</param>
    public unsafe XzDecoderStream(Stream compressed, int threads = 0, bool leaveOpen = false)
        : base(compressed, InputBufferSize, leaveOpen)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        inputAddress = (byte*)Marshal.UnsafeAddrOfPinnedArrayElement(Input, 0);
        lzma = new LzmaStreamHandle();
        try
        {
            threads = threads == 0 ? Environment.ProcessorCount : threads;
            threadingShare = threads == 1 || !HasMultiThreadedDecoder ? 0 : XzThreadingBudget.Shared.Take();
            Check(Init(lzma, threadingShare == 0 ? 1 : threads, threadingShare), "starting the decoder");
        }
        catch
        {
            XzThreadingBudget.Shared.Return(threadingShare);
            lzma.Dispose();
            throw;
        }
    }

    protected override void ReleaseDecoder()
    {
        lzma.Dispose();
        XzThreadingBudget.Shared.Return(Interlocked.Exchange(ref threadingShare, 0));
    }

    private static LzmaRet Init(LzmaStreamHandle lzma, int threads, long threadingMemory)
    {
        // One thread, or a liblzma older than 5.4: the classic decoder, which needs no memory limit of ours.
        if (threads == 1 || threadingMemory == 0)
        {
            return StreamDecoder(lzma, ulong.MaxValue, Concatenated);
        }

        var options = new LzmaMt
        {
            Flags = Concatenated,
            Threads = (uint)threads,
            MemlimitThreading = (ulong)threadingMemory,
            MemlimitStop = ulong.MaxValue,
        };
        return StreamDecoderMt(lzma, options);
    }

    protected override unsafe bool NeedsInput => !inputEnded && lzma.Stream->AvailIn == 0;

    protected override unsafe void AcceptInput(int read)
    {
        var stream = lzma.Stream;
        if (read == 0)
        {
            // From here on every call says LZMA_FINISH and next_in/avail_in never change again, as liblzma requires.
            inputEnded = true;
            return;
        }

        stream->NextIn = inputAddress;
        stream->AvailIn = (nuint)read;
    }

    /// <summary>One lzma_code call.</summary>
    protected override unsafe bool TryDecode(Span<byte> output, out int produced)
    {
        produced = 0;
        if (failure is not null)
        {
            // liblzma's coder is unusable after an error (it would answer LZMA_PROG_ERROR); keep the real cause.
            throw failure;
        }

        if (finished || output.IsEmpty)
        {
            return true;
        }

        var stream = lzma.Stream;
        LzmaRet ret;
        fixed (byte* outPtr = output)
        {
            stream->NextOut = outPtr;
            stream->AvailOut = (nuint)output.Length;
            ret = Code(lzma, inputEnded ? LzmaAction.Finish : LzmaAction.Run);
            produced = output.Length - (int)stream->AvailOut;

            // liblzma must not keep a pointer into a span it does not own past this call.
            stream->NextOut = null;
            stream->AvailOut = 0;
        }

        switch (ret)
        {
            case LzmaRet.StreamEnd:
                finished = true;
                return true;
            case LzmaRet.Ok:
                return produced > 0;
            default:
                failure = Failure(ret, "decoding");
                throw failure;
        }
    }

    private void Check(LzmaRet ret, string doing)
    {
        if (ret != LzmaRet.Ok)
        {
            throw Failure(ret, doing);
        }
    }

    private unsafe NvsdkException Failure(LzmaRet ret, string doing)
    {
        var offset = (long)lzma.Stream->TotalIn;
        return ret switch
        {
            LzmaRet.DataError => new CorruptArchiveException(Format, "is corrupt (LZMA_DATA_ERROR)", offset),
            LzmaRet.FormatError => new CorruptArchiveException(Format, "is not in the .xz format (LZMA_FORMAT_ERROR)", offset),
            LzmaRet.OptionsError => new CorruptArchiveException(Format, "uses options this liblzma does not support (LZMA_OPTIONS_ERROR)", offset),

            // No progress is possible: with all input given, that means the file stops mid-stream.
            LzmaRet.BufError when inputEnded => new CorruptArchiveException(Format, "ends early", offset),
            LzmaRet.MemError or LzmaRet.MemlimitError => new NvsdkException(ErrorCode.Internal, $"{doing} xz: liblzma {LibLzma.Version} ran out of memory ({ret})"),
            _ => new NvsdkException(ErrorCode.Internal, $"{doing} xz: liblzma {LibLzma.Version} returned {ret}"),
        };
    }
}
