using System.Globalization;
using System.Text;

namespace Nvsdk.Cli.Reference;

/// <summary>
/// `nvsdk man`: the nvsdk(1) page in roff (man(7) macros) from the command tree: every command with its
/// synopsis, arguments and options, then the global options, exit status and environment.
/// </summary>
internal static class ManPage
{
    public static string Generate(CommandNode root, string version, DateTimeOffset? date)
    {
        var text = new StringBuilder();
        var day = date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? string.Empty;
        text.Append(CultureInfo.InvariantCulture, $".TH NVSDK 1 \"{day}\" \"nvsdk {Roff(version)}\" \"User Commands\"\n");
        text.Append(".SH NAME\nnvsdk \\- ").Append(Roff(Plain(root.Description).Replace("nvsdk: ", string.Empty, StringComparison.Ordinal))).Append('\n');
        text.Append(".SH SYNOPSIS\n.B nvsdk\n[\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIARGUMENTS\\fR]\n");
        text.Append(".SH DESCRIPTION\n")
            .Append("nvsdk installs a hash-pinned NVIDIA CUDA SDK from a lock file into a content-addressed store and joins it into SDK generations; ")
            .Append("it also sets up GPU hosts (CDI, systemd, Docker), diagnoses them (doctor, smoke, status) and exports their metrics.\n")
            .Append("Every command takes the global options below.\n");
        text.Append(".SH COMMANDS\n");
        foreach (var node in root.SelfAndDescendants().Skip(1))
        {
            Command(text, node);
        }

        text.Append(".SH GLOBAL OPTIONS\n");
        foreach (var option in root.Options)
        {
            Option(text, option);
        }

        text.Append(".SH EXIT STATUS\n");
        foreach (var (code, meaning) in ExitCodeTable.All)
        {
            text.Append(CultureInfo.InvariantCulture, $".TP\n.B {code}\n{Roff(meaning)}\n");
        }

        text.Append(".SH ENVIRONMENT\n");
        foreach (var (name, meaning) in EnvironmentVariables.All)
        {
            text.Append(".TP\n.B ").Append(name).Append('\n').Append(Roff(Plain(meaning))).Append('\n');
        }

        text.Append(".SH FILES\n")
            .Append(".TP\n.I /var/lib/nvsdk\nThe store, SDK generations and host generations of the root user.\n")
            .Append(".TP\n.I /etc/nvsdk/host.toml\nThe host configuration `host plan` and `host apply` read; examples in /usr/share/doc/nvsdk/examples.\n".Replace("`", string.Empty, StringComparison.Ordinal))
            .Append(".TP\n.I nvsdk.lock.json\nThe lock file: every pinned artifact for x86_64-linux and aarch64-linux.\n");
        text.Append(".SH SEE ALSO\n.BR nvidia-smi (1),\n.BR pkg-config (1)\n");
        return text.ToString();
    }

    private static void Command(StringBuilder text, CommandNode node)
    {
        text.Append(".SS ").Append(Roff(node.FullName));
        if (node.Subcommands.Count > 0)
        {
            text.Append(" \\fICOMMAND\\fR");
        }

        if (node.Options.Any(o => !o.Inherited))
        {
            text.Append(" [\\fIOPTIONS\\fR]");
        }

        foreach (var argument in node.Arguments)
        {
            text.Append(" \\fI").Append(Roff(argument.Synopsis)).Append("\\fR");
        }

        text.Append("\n.PP\n").Append(Roff(Plain(node.Description))).Append('\n');
        if (node.Subcommands.Count > 0)
        {
            text.Append(".PP\nCommands: ").Append(string.Join(", ", node.Subcommands.Select(s => $"\\fB{Roff(s.Name)}\\fR"))).Append(".\n");
        }

        foreach (var argument in node.Arguments)
        {
            text.Append(".TP\n.I ").Append(Roff(argument.Name)).Append('\n').Append(Roff(Plain(argument.Description))).Append('\n');
        }

        foreach (var option in node.Options.Where(o => !o.Inherited))
        {
            Option(text, option);
        }
    }

    private static void Option(StringBuilder text, OptionNode option)
    {
        text.Append(".TP\n").Append(string.Join(", ", option.AllNames.Select(n => $"\\fB{Roff(n)}\\fR")));
        if (option.TakesValue)
        {
            text.Append(" \\fI").Append(Roff(option.ValueName!)).Append("\\fR");
        }

        text.Append('\n').Append(Roff(Plain(option.Description)));
        if (option.Values.Count > 0)
        {
            text.Append(" (one of: ").Append(Roff(string.Join(", ", option.Values))).Append(')');
        }

        text.Append('\n');
    }

    /// <summary>Markdown-ish backquotes in descriptions read as plain words in a man page.</summary>
    private static string Plain(string description) => description.Replace("`", string.Empty, StringComparison.Ordinal);

    /// <summary>Escapes text for roff: backslashes, hyphens that are options, non-ASCII, and a leading dot or quote.</summary>
    private static string Roff(string text)
    {
        var escaped = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            escaped.Append(rune.Value switch
            {
                '\\' => "\\e",
                '-' => "\\-",
                < 128 => rune.ToString(),
                _ => $"\\[u{rune.Value:X4}]", // groff's Unicode escape: the page stays ASCII, man renders …, —, →
            });
        }

        var lines = escaped.ToString().Split('\n').Select(l => l.StartsWith('.') || l.StartsWith('\'') ? "\\&" + l : l);
        return string.Join('\n', lines);
    }
}
