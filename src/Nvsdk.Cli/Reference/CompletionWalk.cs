using System.Text;

namespace Nvsdk.Cli.Reference;

/// <summary>
/// The part every generated completion script shares: a function that, given a command path ("nvsdk host"),
/// sets the words that may follow it (subs), its option names (opts), the fixed values of its arguments (args)
/// and the options that take a value (valued). The scripts walk the typed words with it to find which command
/// the cursor is in, skipping options' values.
/// Written in the POSIX-ish subset bash and zsh both run; fish gets its own spelling of the same table.
/// </summary>
internal static class CompletionWalk
{
    public static string WordsFunction(CommandNode root, string functionName)
    {
        var text = new StringBuilder();
        text.Append(functionName).Append("() {\n  case \"$1\" in\n");
        foreach (var node in root.SelfAndDescendants())
        {
            text.Append("    ").Append(ShellQuote.Posix(node.FullName)).Append(")\n");
            text.Append("      subs=").Append(ShellQuote.Posix(string.Join(' ', node.Subcommands.Select(s => s.Name)))).Append('\n');
            text.Append("      opts=").Append(ShellQuote.Posix(string.Join(' ', node.Options.SelectMany(o => o.AllNames)))).Append('\n');
            text.Append("      args=").Append(ShellQuote.Posix(string.Join(' ', node.Arguments.SelectMany(a => a.Values)))).Append('\n');
            text.Append("      valued=").Append(ShellQuote.Posix(string.Join(' ', node.Options.Where(o => o.TakesValue).SelectMany(o => o.AllNames)))).Append(" ;;\n");
        }

        text.Append("    *) subs='' opts='' args='' valued='' ;;\n  esac\n}\n");
        return text.ToString();
    }

    /// <summary>
    /// Walks the words typed before the cursor (its arguments): sets cmdpath to the command they name and skip=1
    /// when the last one is an option that wants a value. Needs the words function named <paramref name="words"/>.
    /// </summary>
    public static string WalkFunction(string functionName, string words) => $$"""
        {{functionName}}() {
          cmdpath=nvsdk skip=0
          for w in "$@"; do
            if [ "$skip" = 1 ]; then skip=0; continue; fi
            {{words}} "$cmdpath"
            case " $valued " in *" $w "*) skip=1; continue ;; esac
            case " $subs " in *" $w "*) cmdpath="$cmdpath $w" ;; esac
          done
          {{words}} "$cmdpath"
        }

        """;

    /// <summary>The fixed value sets, keyed "path|option": `--system` takes x86_64-linux or aarch64-linux.</summary>
    public static string ValuesFunction(CommandNode root, string functionName)
    {
        var text = new StringBuilder();
        text.Append(functionName).Append("() {\n  case \"$1|$2\" in\n");
        foreach (var node in root.SelfAndDescendants())
        {
            foreach (var option in node.Options.Where(o => o.Values.Count > 0))
            {
                var keys = string.Join('|', option.AllNames.Select(n => ShellQuote.Posix($"{node.FullName}|{n}")));
                text.Append("    ").Append(keys).Append(") values=").Append(ShellQuote.Posix(string.Join(' ', option.Values))).Append(" ;;\n");
            }
        }

        text.Append("    *) values='' ;;\n  esac\n}\n");
        return text.ToString();
    }
}
