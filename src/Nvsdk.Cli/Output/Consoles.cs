using Spectre.Console;

namespace Nvsdk.Cli.Output;

/// <summary>Results go to stdout; progress and diagnostics to stderr, so `nvsdk plan --json | jq` stays clean.</summary>
internal static class Stdout
{
    public static IAnsiConsole Console { get; } = Consoles.Create(System.Console.Out, System.Console.IsOutputRedirected);
}

internal static class Stderr
{
    public static IAnsiConsole Console { get; } = Consoles.Create(System.Console.Error, System.Console.IsErrorRedirected);

    /// <summary>Live progress bars only where a person watches a terminal.</summary>
    public static bool Interactive => !System.Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") is not (null or "dumb");
}

internal static class Consoles
{
    /// <summary>A console on a stream; when it is redirected (logs, pipes) lines are never wrapped.</summary>
    public static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
        if (redirected)
        {
            console.Profile.Width = 4096;
        }

        return console;
    }
}
