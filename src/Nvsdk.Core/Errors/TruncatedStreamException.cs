namespace Nvsdk.Core.Errors;

/// <summary>The stream ended before the pinned size: the bytes so far may be good, so a resume is worth trying.</summary>
public sealed class TruncatedStreamException : NvsdkException
{
    public TruncatedStreamException(string what, long expected, long actual)
        : base(ErrorCode.FetchFailed, $"{what}: the download ended after {actual} of {expected} bytes")
    {
        Expected = expected;
        Actual = actual;
    }

    public long Expected { get; }

    public long Actual { get; }
}
