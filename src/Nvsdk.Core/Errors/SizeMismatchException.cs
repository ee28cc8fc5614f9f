namespace Nvsdk.Core.Errors;

/// <summary>More or fewer bytes arrived than the lock file pins.</summary>
public sealed class SizeMismatchException : NvsdkException
{
    public SizeMismatchException(string what, long expected, long actual)
        : base(ErrorCode.DigestMismatch, $"{what}: size mismatch: expected {expected} bytes, got {actual}")
    {
        Expected = expected;
        Actual = actual;
    }

    public long Expected { get; }

    public long Actual { get; }
}
