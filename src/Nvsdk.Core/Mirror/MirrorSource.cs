using Nvsdk.Core.Fetch;

namespace Nvsdk.Core.Mirror;

/// <summary>Reads a store file for copying, re-checking its size and digest as it streams (the store may have rotted).</summary>
internal static class MirrorSource
{
    private const int BufferSize = 1 << 20;

    public static VerifyingStream Open(MirrorObject item)
    {
        var file = new FileStream(item.FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return new VerifyingStream(file, $"the store's copy of {item.Label}", item.Digest, item.Size);
    }
}
