using System.CommandLine;
using System.CommandLine.Parsing;
using Nvsdk.Core.Errors;

namespace Nvsdk.Cli.Parsing;

/// <summary>
/// Turns what the parser found wrong into one line in the user's words, naming the token and the closest valid
/// verb or option — never the parser's internals ("Required command was not provided", "System.Int32").
/// </summary>
internal static class ParseErrorTranslator
{
    /// <summary>The first problem with the command line, or null when it is fine.</summary>
    public static UsageException? Translate(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var afterDoubleDash = TokensAfterDoubleDash(parse);

        // An option-looking word that a positional argument swallowed (`install --dry-run`).
        foreach (var argument in parse.CommandResult.Children.OfType<ArgumentResult>())
        {
            var stray = argument.Tokens.FirstOrDefault(t => LooksLikeOption(t.Value) && !afterDoubleDash.Contains(t));
            if (stray is not null)
            {
                return UnknownOption(command, stray.Value);
            }
        }

        if (parse.UnmatchedTokens.Count > 0)
        {
            var token = parse.UnmatchedTokens[0];
            return LooksLikeOption(token) ? UnknownOption(command, token) : UnknownCommand(command, token);
        }

        if (parse.Errors.Count == 0)
        {
            return null;
        }

        var error = parse.Errors[0];
        return error.SymbolResult switch
        {
            OptionResult option when BadValue(option.Option.Name, option.Option.ValueType, option.Tokens) is { } bad => bad,
            ArgumentResult argument when BadValue(argument.Argument.Name, argument.Argument.ValueType, argument.Tokens) is { } bad => bad,
            CommandResult group when group.Command.Subcommands.Count > 0 && group.Command.Action is null => MissingVerb(group.Command),
            _ => new UsageException(error.Message.TrimEnd('.'), $"see {CommandPath(command)} --help"),
        };
    }

    /// <summary>Whether --json was asked for, read from the raw words so that even a line that does not parse gets JSON.</summary>
    public static bool WantsJson(IEnumerable<string> args) => args.TakeWhile(a => a != "--").Contains("--json");

    private static HashSet<Token> TokensAfterDoubleDash(ParseResult parse)
    {
        var after = new HashSet<Token>(ReferenceEqualityComparer.Instance);
        var seen = false;
        foreach (var token in parse.Tokens)
        {
            if (seen)
            {
                after.Add(token);
            }

            seen |= token.Type == TokenType.DoubleDash;
        }

        return after;
    }

    private static bool LooksLikeOption(string token) =>
        token.Length > 1 && token[0] == '-' && !char.IsAsciiDigit(token[1]) && token != "--";

    private static UsageException UnknownCommand(Command command, string token)
    {
        var verbs = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
        if (verbs.Count == 0)
        {
            return new UsageException($"unexpected argument '{token}' for '{CommandPath(command)}'", $"see {CommandPath(command)} --help");
        }

        var closest = Suggest.Closest(token, verbs);
        return new UsageException(
            $"'{token}' is not a {CommandPath(command)} command{(closest is null ? string.Empty : $"; did you mean '{closest}'?")}",
            closest is null ? $"the commands are: {string.Join(", ", verbs)}" : $"run {CommandPath(command)} {closest} (all commands: {CommandPath(command)} --help)");
    }

    private static UsageException UnknownOption(Command command, string token)
    {
        var name = token.Split('=', 2)[0];
        var options = OptionsOf(command).ToList();
        var closest = Suggest.Closest(name, options);
        return new UsageException(
            $"'{CommandPath(command)}' has no option '{name}'{(closest is null ? string.Empty : $"; did you mean '{closest}'?")}",
            $"see {CommandPath(command)} --help");
    }

    private static UsageException MissingVerb(Command command) =>
        new(
            $"'{CommandPath(command)}' needs a command: {string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}",
            $"see {CommandPath(command)} --help");

    /// <summary>A value the option's type cannot hold: say which option, which value and what it must be.</summary>
    private static UsageException? BadValue(string name, Type type, IReadOnlyList<Token> tokens)
    {
        if (tokens.Count == 0)
        {
            return null;
        }

        var what = Type.GetTypeCode(Nullable.GetUnderlyingType(type) ?? type) switch
        {
            TypeCode.Int32 or TypeCode.Int64 => "a whole number",
            TypeCode.Double or TypeCode.Single or TypeCode.Decimal => "a number",
            TypeCode.Boolean => "true or false",
            _ => null,
        };
        return what is null ? null : new UsageException($"{name}: '{tokens[^1].Value}' is not {what}", $"for example {name} {(what == "true or false" ? "true" : "4")}");
    }

    /// <summary>Every option a command accepts, its own and the recursive ones of its parents.</summary>
    private static IEnumerable<string> OptionsOf(Command command)
    {
        var own = command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name));
        var inherited = command.Parents.OfType<Command>().SelectMany(OptionsOfRecursive);
        return own.Concat(inherited).Distinct(StringComparer.Ordinal);
    }

    private static IEnumerable<string> OptionsOfRecursive(Command command) =>
        command.Options.Where(o => o.Recursive && !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name))
            .Concat(command.Parents.OfType<Command>().SelectMany(OptionsOfRecursive));

    internal static string CommandPath(Command command)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c; s = c.Parents.FirstOrDefault())
        {
            names.Add(c is RootCommand ? "nvsdk" : c.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }
}
