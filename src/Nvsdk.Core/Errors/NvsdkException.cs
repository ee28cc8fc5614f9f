namespace Nvsdk.Core.Errors;

/// <summary>
/// The root of every error nvsdk raises on purpose. The message is one line a user can act on;
/// the inner exception keeps the cause for --verbose.
/// </summary>
public class NvsdkException : Exception
{
    public NvsdkException(ErrorCode code, string message, Exception? innerException = null)
        : base(message, innerException) => Code = code;

    public NvsdkException()
        : this(ErrorCode.Internal, "unexpected error")
    {
    }

    public NvsdkException(string message)
        : this(ErrorCode.Internal, message)
    {
    }

    public NvsdkException(string message, Exception innerException)
        : this(ErrorCode.Internal, message, innerException)
    {
    }

    public ErrorCode Code { get; }

    /// <summary>What the user can do about it, when there is something to say.</summary>
    public string? Hint { get; init; }
}
