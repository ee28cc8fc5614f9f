namespace Nvsdk.Core.Errors;

/// <summary>A request that cannot be carried out as given (unknown component, missing system, unpinned entry).</summary>
public sealed class UsageException : NvsdkException
{
    public UsageException(string message, string? hint = null)
        : base(ErrorCode.InvalidInput, message) => Hint = hint;
}
