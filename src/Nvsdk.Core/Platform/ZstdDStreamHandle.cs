using System.Runtime.InteropServices;

namespace Nvsdk.Core.Platform;

/// <summary>
/// Owns one ZSTD_DStream (about 128 KiB of window plus buffers, in native memory). A SafeHandle frees it even
/// when a caller forgets to dispose, and keeps it alive for the duration of every call that takes it.
/// </summary>
internal sealed class ZstdDStreamHandle : SafeHandle
{
    public ZstdDStreamHandle()
        : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        LibZstd.FreeDStream(handle);
        return true;
    }
}
