using System.CommandLine;
using System.Diagnostics;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Platform;

namespace Nvsdk.Cli.Commands;

/// <summary>`nvsdk shell [-- command…]`: a subshell (or one command) with the SDK's environment.</summary>
internal static class ShellCommand
{
    public static Command Create()
    {
        var commandLine = new Argument<string[]>("command") { Description = "A command to run instead of an interactive shell", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("shell", "Start $SHELL (or run a command) with the current SDK generation's environment") { commandLine };
        command.SetAction(async (result, _) =>
        {
            var context = CliContext.From(result);
            var environment = EnvCommand.Resolve(context, out var record);
            var args = result.GetValue(commandLine) ?? [];
            var program = args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("SHELL") is { Length: > 0 } sh ? sh : "/bin/sh";
            var info = new ProcessStartInfo { UseShellExecute = false };
            foreach (var a in args.Skip(1))
            {
                info.ArgumentList.Add(a);
            }

            foreach (var (name, value) in environment.ApplyTo(EnvCommand.Snapshot()))
            {
                info.Environment[name] = value;
            }

            // Looked up in the SDK's PATH, the one the child gets: Process.Start would search nvsdk's own.
            info.FileName = ExecutableSearch.Resolve(program, info.Environment.TryGetValue("PATH", out var path) ? path : null);

            info.Environment["NVSDK_GENERATION"] = record.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Process process;
            try
            {
                process = Process.Start(info) ?? throw new UsageException($"cannot start {program}");
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                // As a shell says it, with a shell's exit codes: 127 not found, 126 found but not runnable.
                var notFound = e.NativeErrorCode == 2;
                Output.ErrorOutput.Write(
                    new UsageException(
                        notFound ? $"{program}: command not found in the SDK's PATH or yours" : $"{program}: cannot run it ({(e.NativeErrorCode == 13 ? "permission denied" : e.Message)})",
                        notFound ? "check the name; `nvsdk shell -- ls $CUDA_HOME/bin` lists the SDK's tools" : null),
                    context.Verbose,
                    context.Json);
                return notFound ? 127 : 126;
            }

            using (process)
            {
                StopSignals.ChildOwnsSignals = true;
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                return process.ExitCode;
            }
        });
        return command;
    }
}
