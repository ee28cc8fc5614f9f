using Nvsdk.Core.Errors;

namespace Nvsdk.Core.Update;

/// <summary>
/// A path a manifest gives relative to its own folder (redistrib's relative_path). It becomes a download URL,
/// so it is confined to that folder and host: no scheme (https://evil.example/x), no network path
/// (//evil.example/x), no absolute path, no "." or ".." parts, no query, fragment, escapes or backslashes.
/// </summary>
public static class ManifestPath
{
    /// <summary>Why <paramref name="relative"/> cannot be used, or null when it stays inside its folder.</summary>
    public static string? Problem(string relative)
    {
        if (relative.Length == 0 || relative.Length > 1024)
        {
            return "empty or longer than 1024 characters";
        }

        if (relative.StartsWith('/') || relative.Contains(':', StringComparison.Ordinal))
        {
            return $"'{Clip(relative)}' is absolute or names another host; a manifest's paths stay in its own folder";
        }

        if (relative.IndexOfAny(['\\', '?', '#', '%']) >= 0 || relative.Any(char.IsControl))
        {
            return $"'{Clip(relative)}' holds a backslash, query, fragment, escape or control character";
        }

        return relative.Split('/').Any(part => part is "" or "." or "..")
            ? $"'{Clip(relative)}' has an empty, '.' or '..' part; a manifest's paths stay in its own folder"
            : null;
    }

    /// <summary>The URL of <paramref name="relative"/> in <paramref name="folder"/>, checked to be inside it.</summary>
    public static Uri Resolve(Uri folder, string relative, string source)
    {
        var url = Problem(relative) is { } problem
            ? throw new NvsdkException(ErrorCode.InvalidInput, $"{source}: relative_path {problem}")
            : new Uri(folder, relative);
        return url.Scheme == folder.Scheme && url.Authority == folder.Authority && url.AbsolutePath.StartsWith(folder.AbsolutePath, StringComparison.Ordinal)
            ? url
            : throw new NvsdkException(ErrorCode.InvalidInput, $"{source}: relative_path '{Clip(relative)}' leaves {folder}");
    }

    private static string Clip(string text) => text.Length > 120 ? text[..120] + "…" : text;
}
