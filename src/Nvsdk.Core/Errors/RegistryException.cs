namespace Nvsdk.Core.Errors;

/// <summary>An OCI registry answered with an error or not at all; the message names the registry and repository.</summary>
public sealed class RegistryException : NvsdkException
{
    public RegistryException(string message, int? status = null, bool retryable = false, Exception? innerException = null)
        : base(status is 401 or 403 or 404 ? ErrorCode.InvalidInput : ErrorCode.FetchFailed, message, innerException)
    {
        Status = status;
        Retryable = retryable;
    }

    /// <summary>The HTTP status, when the registry answered.</summary>
    public int? Status { get; }

    /// <summary>Whether trying again may help (5xx, 429, resets).</summary>
    public bool Retryable { get; }
}
