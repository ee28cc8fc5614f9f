using System.Runtime.InteropServices;

namespace Nvsdk.Core.Platform;

/// <summary>
/// Owns one lzma_stream in native memory. liblzma keeps pointers into the struct (and its worker threads
/// outlive a single lzma_code call), so it must never move: it lives outside the GC heap. A SafeHandle, not a
/// finalizer on the stream, guarantees lzma_end and the free even when a caller forgets to dispose, and keeps
/// the struct alive for the duration of every P/Invoke that takes it.
/// </summary>
internal sealed unsafe class LzmaStreamHandle : SafeHandle
{
    public LzmaStreamHandle()
        : base(0, ownsHandle: true)
    {
        // Zeroed memory is LZMA_STREAM_INIT; lzma_end on it is a no-op, so release is safe at any point.
        SetHandle((nint)NativeMemory.AllocZeroed((nuint)sizeof(LibLzma.LzmaStream)));
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>The struct itself; valid while this handle is neither disposed nor released.</summary>
    public LibLzma.LzmaStream* Stream => (LibLzma.LzmaStream*)handle;

    protected override bool ReleaseHandle()
    {
        var stream = (LibLzma.LzmaStream*)handle;
        LibLzma.End(stream);
        NativeMemory.Free(stream);
        return true;
    }
}
