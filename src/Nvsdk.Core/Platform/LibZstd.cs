using System.Runtime.InteropServices;

namespace Nvsdk.Core.Platform;

/// <summary>
/// The slice of the system's libzstd that streaming decompression needs. ZstdSharp (a managed port) decodes at
/// a fraction of the reference library's speed, and a cache layer decodes on one core, so that core's speed is
/// the install's tail. libzstd.so.1 is on every current Debian/Ubuntu host (apt, systemd and dpkg link it);
/// where it is missing, <see cref="IsAvailable"/> is false and callers keep the managed decoder.
/// The structs mirror ZSTD_inBuffer and ZSTD_outBuffer in /usr/include/zstd.h.
/// </summary>
internal static unsafe partial class LibZstd
{
    private const string Library = "libzstd.so.1";

    /// <summary>Whether libzstd.so.1 loads and has the streaming decoder; looked up once.</summary>
    public static bool IsAvailable { get; } =
        NativeLibrary.TryLoad(Library, out var lib) && NativeLibrary.TryGetExport(lib, "ZSTD_decompressStream", out _);

    /// <summary>The library's version, e.g. "1.5.4", for messages and the benchmark.</summary>
    public static string Version => IsAvailable ? Marshal.PtrToStringUTF8(VersionString()) ?? "unknown" : "absent";

    [LibraryImport(Library, EntryPoint = "ZSTD_createDStream")]
    public static partial ZstdDStreamHandle CreateDStream();

    /// <summary>Raw pointer on purpose: only <see cref="ZstdDStreamHandle.ReleaseHandle"/> calls it.</summary>
    [LibraryImport(Library, EntryPoint = "ZSTD_freeDStream")]
    public static partial nuint FreeDStream(nint zds);

    [LibraryImport(Library, EntryPoint = "ZSTD_initDStream")]
    public static partial nuint InitDStream(ZstdDStreamHandle zds);

    /// <summary>0 when a frame is fully decoded and flushed; an error code (see <see cref="IsError"/>); else a hint of the next input size.</summary>
    [LibraryImport(Library, EntryPoint = "ZSTD_decompressStream")]
    public static partial nuint DecompressStream(ZstdDStreamHandle zds, ZstdOutBuffer* output, ZstdInBuffer* input);

    [LibraryImport(Library, EntryPoint = "ZSTD_isError")]
    public static partial uint IsError(nuint code);

    [LibraryImport(Library, EntryPoint = "ZSTD_getErrorName")]
    private static partial nint GetErrorName(nuint code);

    [LibraryImport(Library, EntryPoint = "ZSTD_versionString")]
    private static partial nint VersionString();

    /// <summary>The library's name for an error code, e.g. "Data corruption detected".</summary>
    public static string ErrorName(nuint code) => Marshal.PtrToStringUTF8(GetErrorName(code)) ?? $"error {code}";

    /// <summary>ZSTD_inBuffer: the library advances <see cref="Pos"/> over what it consumed.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ZstdInBuffer
    {
        public byte* Src;
        public nuint Size;
        public nuint Pos;
    }

    /// <summary>ZSTD_outBuffer: the library advances <see cref="Pos"/> over what it wrote.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ZstdOutBuffer
    {
        public byte* Dst;
        public nuint Size;
        public nuint Pos;
    }
}
