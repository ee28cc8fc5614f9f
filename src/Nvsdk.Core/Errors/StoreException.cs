namespace Nvsdk.Core.Errors;

/// <summary>The store cannot do what was asked (not writable, lock held, entry corrupt).</summary>
public sealed class StoreException : NvsdkException
{
    public StoreException(ErrorCode code, string message, Exception? innerException = null)
        : base(code, message, innerException)
    {
    }
}
