using System.CommandLine;
using Nvsdk.Cli.Output;
using Nvsdk.Cli.Parsing;
using Nvsdk.Core.Errors;

namespace Nvsdk.Cli;

/// <summary>The one place exceptions and signals become exit codes and messages (STYLE habit 7).</summary>
internal static class CliRunner
{
    public static async Task<int> RunAsync(RootCommand root, string[] args)
    {
        var parse = root.Parse(args);
        var verbose = parse.GetValue(GlobalOptions.Verbose);
        var json = parse.GetValue(GlobalOptions.Json) || ParseErrorTranslator.WantsJson(args);
        if (args.Length == 0)
        {
            // A bare `nvsdk` is a question: answer with the help text, and say it was not a request.
            root.Parse(["--help"]).Invoke();
            return ExitCodes.InvalidInput;
        }

        if (ParseErrorTranslator.Translate(parse) is { } usage)
        {
            ErrorOutput.Write(usage, verbose, json);
            return ExitCodes.InvalidInput;
        }

        using var signals = new StopSignals();
        try
        {
            // ProcessTerminationTimeout = null: StopSignals alone owns SIGINT/SIGTERM (see its comment).
            var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
            var code = await parse.InvokeAsync(configuration, signals.Token).ConfigureAwait(false);
            return signals.Received is { } signal ? Interrupted(signal, json) : code;
        }
        catch (Exception) when (signals.Received is { } signal)
        {
            // Whatever a cancelled operation threw on its way out (OperationCanceledException or a wrapped one),
            // the user's signal is the reason: one line and 130/143, never a trace.
            return Interrupted(signal, json);
        }
        catch (NvsdkException e)
        {
            ErrorOutput.Write(e, verbose, json);
            return ExitCodes.For(e.Code);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ErrorOutput.Write(new NvsdkException(ErrorCode.Internal, e.Message, e), verbose, json);
            return ExitCodes.Failed;
        }
        catch (Exception e)
        {
            // A bug: still one line (the trace with --verbose), never an abort with a core dump.
            ErrorOutput.Write(new NvsdkException(ErrorCode.Internal, $"internal error: {e.GetType().Name}: {e.Message} (a bug in nvsdk; rerun with --verbose and report it)", e), verbose, json);
            return ExitCodes.Failed;
        }
    }

    private static int Interrupted(System.Runtime.InteropServices.PosixSignal signal, bool json)
    {
        if (StopSignals.StopIsSuccess)
        {
            return ExitCodes.Ok;
        }

        var error = new NvsdkException(ErrorCode.Cancelled, $"interrupted by {StopSignals.Name(signal)}; nothing half-done was kept (partial downloads are, to resume): run the command again to finish");
        ErrorOutput.Write(error, verbose: false, json);
        return StopSignals.ExitCodeFor(signal);
    }
}
