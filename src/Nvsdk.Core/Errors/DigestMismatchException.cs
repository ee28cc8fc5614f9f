using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Errors;

/// <summary>The bytes that arrived are not the pinned ones.</summary>
public sealed class DigestMismatchException : NvsdkException
{
    public DigestMismatchException(string what, Sha256Digest expected, Sha256Digest actual, long bytesRead)
        : base(
            ErrorCode.DigestMismatch,
            $"{what}: sha256 mismatch: expected {expected}, got {actual} ({bytesRead} bytes)")
    {
        Expected = expected;
        Actual = actual;
        BytesRead = bytesRead;
    }

    public Sha256Digest Expected { get; }

    public Sha256Digest Actual { get; }

    public long BytesRead { get; }
}
