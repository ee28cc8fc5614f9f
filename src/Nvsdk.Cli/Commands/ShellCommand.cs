using System.CommandLine;
using System.Diagnostics;
using Nvsdk.Core.Errors;

namespace Nvsdk.Cli.Commands;

/// <summary>`nvsdk shell [-- command…]`: a subshell (or one command) with the SDK's environment.</summary>
internal static class ShellCommand
{
    public static Command Create()
    {
        var commandLine = new Argument<string[]>("command") { Description = "A command to run instead of an interactive shell", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("shell", "Start $SHELL (or run a command) with the current SDK generation's environment") { commandLine };
        command.SetAction(async (result, ct) =>
        {
            var context = CliContext.From(result);
            var environment = EnvCommand.Resolve(context, out var record);
            var args = result.GetValue(commandLine) ?? [];
            var program = args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("SHELL") is { Length: > 0 } sh ? sh : "/bin/sh";
            var info = new ProcessStartInfo(program) { UseShellExecute = false };
            foreach (var a in args.Skip(1))
            {
                info.ArgumentList.Add(a);
            }

            foreach (var (name, value) in environment.ApplyTo(EnvCommand.Snapshot()))
            {
                info.Environment[name] = value;
            }

            info.Environment["NVSDK_GENERATION"] = record.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Process process;
            try
            {
                process = Process.Start(info) ?? throw new UsageException($"cannot start {program}");
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new UsageException($"cannot start {program}: {e.Message}");
            }

            using (process)
            {
                await process.WaitForExitAsync(ct).ConfigureAwait(false);
                return process.ExitCode;
            }
        });
        return command;
    }
}
