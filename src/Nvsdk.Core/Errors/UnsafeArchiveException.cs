namespace Nvsdk.Core.Errors;

/// <summary>
/// An archive entry nvsdk refuses or cannot unpack (path traversal, escaping link, device node, bomb, a name
/// too long…): "&lt;archive&gt;: &lt;member&gt;: &lt;reason&gt;", the member clipped and escaped for one line.
/// </summary>
public sealed class UnsafeArchiveException : NvsdkException
{
    public UnsafeArchiveException(string archive, string entry, string reason, Exception? innerException = null, ErrorCode code = ErrorCode.InvalidInput)
        : base(code, $"{archive}: {Unpack.ArchivePath.Display(entry)}: {reason}", innerException)
    {
        Archive = archive;
        Entry = entry;
        Reason = reason;
    }

    public string Archive { get; }

    public string Entry { get; }

    public string Reason { get; }
}
