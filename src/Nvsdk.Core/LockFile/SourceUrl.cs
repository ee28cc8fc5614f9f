namespace Nvsdk.Core.LockFile;

/// <summary>Which URL schemes a lock file source may use, and which of them the HTTP/file fetcher serves.</summary>
public static class SourceUrl
{
    public static bool IsSupportedScheme(Uri url) =>
        url.Scheme is "https" or "http" or "file" or "docker";

    /// <summary>True for sources the archive fetcher downloads itself (OCI images go through the registry client).</summary>
    public static bool IsDownloadable(Uri url) => url.Scheme is "https" or "http" or "file";
}
