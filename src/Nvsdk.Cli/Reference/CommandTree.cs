using System.CommandLine;
using System.CommandLine.Completions;

namespace Nvsdk.Cli.Reference;

/// <summary>
/// The CLI's command tree as plain data, read from System.CommandLine's objects at run time: the one source the
/// shell completions and the man page are generated from, so a verb another change adds shows up in both
/// without anyone editing them.
/// </summary>
internal sealed record CommandNode(IReadOnlyList<string> Path, string Description, IReadOnlyList<OptionNode> Options, IReadOnlyList<ArgumentNode> Arguments, IReadOnlyList<CommandNode> Subcommands)
{
    /// <summary>"nvsdk host plan".</summary>
    public string FullName => string.Join(' ', Path);

    public string Name => Path[^1];

    /// <summary>This node and every node under it, parents before children, in the order the tree declares them.</summary>
    public IEnumerable<CommandNode> SelfAndDescendants()
    {
        yield return this;
        foreach (var descendant in Subcommands.SelectMany(s => s.SelfAndDescendants()))
        {
            yield return descendant;
        }
    }

    /// <summary>The tree under <paramref name="root"/>, named as users type it (the binary may be run under another file name).</summary>
    public static CommandNode From(Command root, string program = "nvsdk") => Build(root, [program], inherited: []);

    private static CommandNode Build(Command command, IReadOnlyList<string> path, IReadOnlyList<OptionNode> inherited)
    {
        // "Inherited" means declared by a parent: a recursive option is documented where it is declared (--root is
        // declared on each verb, with the meaning it has there), and only inherited below it.
        var own = command.Options.Where(o => !o.Hidden).Select(o => OptionNode.From(o, inherited: false)).ToList();
        var recursive = command.Options.Where(o => o.Recursive && !o.Hidden).Select(o => OptionNode.From(o, inherited: true));
        var forChildren = inherited.Concat(recursive).ToList();
        // Options a parent declares as recursive apply here too: completions offer them, the man page lists them once.
        var options = own.Concat(inherited.Where(i => own.All(o => o.Name != i.Name))).ToList();
        return new CommandNode(
            path,
            command.Description ?? string.Empty,
            options,
            command.Arguments.Where(a => !a.Hidden).Select(ArgumentNode.From).ToList(),
            command.Subcommands.Where(c => !c.Hidden).Select(c => Build(c, [.. path, c.Name], forChildren)).ToList());
    }
}

/// <summary>An option: its names (long first), whether it takes a value, and the values it accepts if they are a fixed set.</summary>
internal sealed record OptionNode(string Name, IReadOnlyList<string> Aliases, string Description, string? ValueName, IReadOnlyList<string> Values, bool Inherited)
{
    public IEnumerable<string> AllNames => Aliases.Prepend(Name);

    public bool TakesValue => ValueName is not null;

    public static OptionNode From(Option option, bool inherited)
    {
        var flag = option.ValueType == typeof(bool) || option.Arity.MaximumNumberOfValues == 0;
        var values = flag ? [] : option.GetCompletions(CompletionContext.Empty).Select(c => c.Label).ToList();
        return new OptionNode(
            option.Name,
            option.Aliases.Where(IsShellName).Order(StringComparer.Ordinal).ToList(),
            option.Description ?? string.Empty,
            flag ? null : option.HelpName ?? option.Name.TrimStart('-').ToUpperInvariant(),
            values,
            inherited);
    }

    /// <summary>-h and --help, not the /? and -? spellings System.CommandLine also accepts for help.</summary>
    private static bool IsShellName(string alias) => alias.Length > 1 && alias[0] == '-' && char.IsAsciiLetterOrDigit(alias[^1]);
}

/// <summary>A positional argument and whether it may repeat or be left out.</summary>
internal sealed record ArgumentNode(string Name, string Description, bool Optional, bool Repeats, IReadOnlyList<string> Values)
{
    /// <summary>How a synopsis shows it: NAME, [NAME], NAME... or [NAME...].</summary>
    public string Synopsis
    {
        get
        {
            var text = Repeats ? $"{Name}..." : Name;
            return Optional ? $"[{text}]" : text;
        }
    }

    public static ArgumentNode From(Argument argument) => new(
        argument.HelpName ?? argument.Name,
        argument.Description ?? string.Empty,
        argument.Arity.MinimumNumberOfValues == 0,
        argument.Arity.MaximumNumberOfValues > 1,
        argument.ValueType == typeof(string) ? argument.GetCompletions(CompletionContext.Empty).Select(c => c.Label).ToList() : []);
}
