namespace Nvsdk.Core.Errors;

/// <summary>
/// Compressed data that cannot be decoded: damaged, cut short, or not the format it claims. Re-fetching
/// may help (the pinned digest is usually checked first, so this mostly means a bad pin or a bad file).
/// </summary>
public sealed class CorruptArchiveException : NvsdkException
{
    public CorruptArchiveException(string format, string problem, long compressedOffset, Exception? innerException = null)
        : base(ErrorCode.InvalidInput, $"{format} data {problem} (near compressed byte {compressedOffset})", innerException)
    {
        Format = format;
        Problem = problem;
        CompressedOffset = compressedOffset;
    }

    /// <summary>"xz", for instance.</summary>
    public string Format { get; }

    /// <summary>What is wrong, e.g. "is corrupt (LZMA_DATA_ERROR)" or "ends early".</summary>
    public string Problem { get; }

    /// <summary>How many compressed bytes the decoder had consumed when it gave up.</summary>
    public long CompressedOffset { get; }
}
