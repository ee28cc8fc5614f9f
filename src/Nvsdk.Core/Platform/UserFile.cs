using System.Text.Json;
using Nvsdk.Core.Errors;

namespace Nvsdk.Core.Platform;

/// <summary>
/// Reads a file the user named on the command line (a lock, a snapshot, a config), turning every way that can
/// go wrong into one line in their words: a folder, a missing file, no permission, not JSON at line N.
/// </summary>
public static class UserFile
{
    /// <summary>The file's bytes, or a <see cref="UsageException"/> naming <paramref name="what"/> and the fix.</summary>
    public static byte[] ReadAllBytes(string path, string what, string hint)
    {
        if (Directory.Exists(path))
        {
            throw new UsageException($"{path} is a folder, not a {what}", hint);
        }

        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read the {what} {path}: {Why(e)}", hint);
        }
    }

    /// <summary>Why a read failed, without .NET's phrasing ("Could not find file '…'").</summary>
    public static string Why(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => "no such file",
        UnauthorizedAccessException => "permission denied",
        PathTooLongException => "the path is too long",
        _ => e.Message,
    };

    /// <summary>Where a JSON document went wrong, for "X is not a Y: …" messages (never the reader's internals).</summary>
    public static string JsonProblem(JsonException e) =>
        e.LineNumber is { } line
            ? $"not valid JSON at line {line + 1}, column {(e.BytePositionInLine ?? 0) + 1}"
            : "not the expected JSON document";
}
