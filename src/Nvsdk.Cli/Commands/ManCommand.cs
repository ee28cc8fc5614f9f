using System.CommandLine;
using System.Globalization;
using System.Reflection;
using Nvsdk.Cli.Reference;

namespace Nvsdk.Cli.Commands;

/// <summary>`nvsdk man`: the nvsdk(1) man page in roff, generated from the running command tree
/// (`nvsdk man > nvsdk.1`; `man -l nvsdk.1`). Packages ship its output as /usr/share/man/man1/nvsdk.1.gz.</summary>
internal static class ManCommand
{
    public static Command Create()
    {
        var command = new Command("man", "Print the nvsdk(1) man page (roff) for every command, option, exit code and environment variable");
        command.SetAction(result =>
        {
            Console.Out.Write(ManPage.Generate(CommandNode.From(result.RootCommandResult.Command), Version(), SourceDate()));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>nvsdk's version without the commit suffix ("1.0.0", not "1.0.0+abc…").</summary>
    private static string Version() =>
        (typeof(ManCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0").Split('+')[0];

    /// <summary>The page's date from SOURCE_DATE_EPOCH (reproducible packages), else none at all: never "today".</summary>
    private static DateTimeOffset? SourceDate() =>
        long.TryParse(Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
}
