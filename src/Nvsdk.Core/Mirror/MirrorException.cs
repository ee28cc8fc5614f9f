using Nvsdk.Core.Errors;

namespace Nvsdk.Core.Mirror;

/// <summary>A mirror destination refused or failed a write (HTTP status from S3, an unwritable folder).</summary>
public sealed class MirrorException : NvsdkException
{
    public MirrorException(string message, Exception? innerException = null)
        : base(ErrorCode.FetchFailed, message, innerException)
    {
    }
}
