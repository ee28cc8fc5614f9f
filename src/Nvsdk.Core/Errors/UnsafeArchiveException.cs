namespace Nvsdk.Core.Errors;

/// <summary>An archive entry nvsdk refuses to unpack (path traversal, escaping link, device node, bomb…).</summary>
public sealed class UnsafeArchiveException : NvsdkException
{
    public UnsafeArchiveException(string archive, string entry, string reason)
        : base(ErrorCode.InvalidInput, $"{archive}: refusing entry '{entry}': {reason}")
    {
        Archive = archive;
        Entry = entry;
        Reason = reason;
    }

    public string Archive { get; }

    public string Entry { get; }

    public string Reason { get; }
}
