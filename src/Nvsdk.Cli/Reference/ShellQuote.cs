namespace Nvsdk.Cli.Reference;

/// <summary>Single-quoting for the generated shell scripts: every description and name goes through here.</summary>
internal static class ShellQuote
{
    /// <summary>POSIX sh, bash and zsh: 'it'\''s'.</summary>
    public static string Posix(string text) => $"'{text.Replace("'", "'\\''", StringComparison.Ordinal)}'";

    /// <summary>fish: inside single quotes only \ and ' are special.</summary>
    public static string Fish(string text) => $"'{text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}'";

    /// <summary>The first sentence-sized line of a description, for one-line completion hints.</summary>
    public static string Summary(string description)
    {
        var line = description.Split('\n', 2)[0].Trim();
        return line.Replace('`', '\'');
    }
}
