using Nvsdk.Core.Platform;
using ZstdSharp;

namespace Nvsdk.Core.Unpack;

/// <summary>
/// Picks the zstd decoder: the system's libzstd (about 1.5x ZstdSharp's speed on one core here, which is what a single
/// cache layer gets) when it loads, else ZstdSharp, so a host without libzstd.so.1 still works.
/// <c>NVSDK_ZSTD_DECODER=managed</c> forces ZstdSharp, for benchmarking one against the other.
/// </summary>
public static class ZstdDecoders
{
    /// <summary>Tests set this to exercise the fallback; read on every open.</summary>
    internal static bool ForceManaged { get; set; } =
        string.Equals(Environment.GetEnvironmentVariable("NVSDK_ZSTD_DECODER"), "managed", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether <see cref="Open"/> uses libzstd.</summary>
    public static bool UsesNative => LibZstd.IsAvailable && !ForceManaged;

    /// <summary>"libzstd 1.5.4" or "ZstdSharp", for traces and the benchmark.</summary>
    public static string Name => UsesNative ? $"libzstd {LibZstd.Version}" : "ZstdSharp";

    /// <summary>A decompressing view of <paramref name="compressed"/> that reads every frame and refuses a cut one.</summary>
    public static Stream Open(Stream compressed, bool leaveOpen) => UsesNative
        ? new ZstdDecoderStream(compressed, leaveOpen)
        : new DecompressionStream(compressed, bufferSize: 0, checkEndOfStream: true, leaveOpen: leaveOpen);
}
