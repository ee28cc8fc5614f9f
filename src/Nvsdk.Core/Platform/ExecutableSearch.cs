namespace Nvsdk.Core.Platform;

/// <summary>
/// Finds a command the way a shell does: a name with a slash is used as is, any other is looked up in the
/// folders of a given PATH. `nvsdk shell -- nvcc` needs this because .NET's Process.Start searches the PATH of
/// nvsdk itself, not the SDK's PATH the child is given, so the SDK's own tools would be "not found".
/// </summary>
public static class ExecutableSearch
{
    /// <summary>The first regular, executable file named <paramref name="command"/> in <paramref name="path"/>'s folders, else the name unchanged.</summary>
    public static string Resolve(string command, string? path) =>
        command.Contains('/', StringComparison.Ordinal) ? command : Find(command, path) ?? command;

    /// <summary>The first regular, executable file named <paramref name="command"/> in <paramref name="path"/>'s folders, or null.</summary>
    public static string? Find(string command, string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        foreach (var folder in path.Split(':'))
        {
            // An empty PATH element means the current folder, as POSIX says.
            var candidate = Path.Combine(folder.Length == 0 ? "." : folder, command);
            if (File.Exists(candidate) && Posix.MayExecute(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
