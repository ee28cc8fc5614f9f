using System.Runtime.InteropServices;

namespace Nvsdk.Core.Platform;

/// <summary>
/// The slice of the system's liblzma (xz-utils) that decoding .xz needs. We bind the distribution's library
/// instead of shipping a managed LZMA port: it is the reference decoder, it is already on every Debian/Ubuntu
/// host (dpkg itself needs it), and since 5.4 it decodes the blocks of a multi-block file on several threads.
/// The structs mirror /usr/include/lzma/base.h and container.h for LP64 (x86_64 and aarch64 alike); the
/// reserved fields are kept so the sizes match what the library reads and writes.
/// </summary>
internal static unsafe partial class LibLzma
{
    private const string Library = "liblzma.so.5";

    /// <summary>Decode several concatenated .xz streams as one, as xz(1) does; needs LZMA_FINISH at the end.</summary>
    public const uint Concatenated = 0x08;

    /// <summary>Whether this liblzma has the threaded decoder (added in 5.4); looked up once, without calling it.</summary>
    public static bool HasMultiThreadedDecoder { get; } =
        NativeLibrary.TryLoad(Library, out var lib) && NativeLibrary.TryGetExport(lib, "lzma_stream_decoder_mt", out _);

    /// <summary>The library's version, e.g. "5.4.1", for messages and the benchmark.</summary>
    public static string Version => Marshal.PtrToStringUTF8(VersionString()) ?? "unknown";

    [LibraryImport(Library, EntryPoint = "lzma_stream_decoder")]
    public static partial LzmaRet StreamDecoder(LzmaStreamHandle strm, ulong memlimit, uint flags);

    [LibraryImport(Library, EntryPoint = "lzma_stream_decoder_mt")]
    public static partial LzmaRet StreamDecoderMt(LzmaStreamHandle strm, in LzmaMt options);

    [LibraryImport(Library, EntryPoint = "lzma_code")]
    public static partial LzmaRet Code(LzmaStreamHandle strm, LzmaAction action);

    /// <summary>Raw pointer on purpose: only <see cref="LzmaStreamHandle.ReleaseHandle"/> calls it.</summary>
    [LibraryImport(Library, EntryPoint = "lzma_end")]
    public static partial void End(LzmaStream* strm);

    [LibraryImport(Library, EntryPoint = "lzma_version_string")]
    private static partial nint VersionString();

    /// <summary>lzma_ret (base.h).</summary>
    public enum LzmaRet
    {
        Ok = 0,
        StreamEnd = 1,
        NoCheck = 2,
        UnsupportedCheck = 3,
        GetCheck = 4,
        MemError = 5,
        MemlimitError = 6,
        FormatError = 7,
        OptionsError = 8,
        DataError = 9,
        BufError = 10,
        ProgError = 11,
        SeekNeeded = 12,
    }

    /// <summary>lzma_action (base.h); a decoder only needs these two.</summary>
    public enum LzmaAction
    {
        Run = 0,
        Finish = 3,
    }

    /// <summary>lzma_stream (base.h): 136 bytes on LP64.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct LzmaStream
    {
        public byte* NextIn;
        public nuint AvailIn;
        public ulong TotalIn;
        public byte* NextOut;
        public nuint AvailOut;
        public ulong TotalOut;
        public nint Allocator;
        public nint Internal;
        public nint ReservedPtr1;
        public nint ReservedPtr2;
        public nint ReservedPtr3;
        public nint ReservedPtr4;
        public ulong SeekPos;
        public ulong ReservedInt2;
        public nuint ReservedInt3;
        public nuint ReservedInt4;
        public int ReservedEnum1;
        public int ReservedEnum2;
    }

    /// <summary>lzma_mt (container.h): 128 bytes on LP64. Unused fields must be zero.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct LzmaMt
    {
        public uint Flags;
        public uint Threads;
        public ulong BlockSize;
        public uint Timeout;
        public uint Preset;
        public nint Filters;
        public int Check;
        public int ReservedEnum1;
        public int ReservedEnum2;
        public int ReservedEnum3;
        public uint ReservedInt1;
        public uint ReservedInt2;
        public uint ReservedInt3;
        public uint ReservedInt4;

        /// <summary>Above this the decoder uses fewer threads (down to one); it never fails because of it.</summary>
        public ulong MemlimitThreading;

        /// <summary>Above this decoding fails with LZMA_MEMLIMIT_ERROR.</summary>
        public ulong MemlimitStop;
        public ulong ReservedInt7;
        public ulong ReservedInt8;
        public nint ReservedPtr1;
        public nint ReservedPtr2;
        public nint ReservedPtr3;
        public nint ReservedPtr4;
    }
}
