using System.CommandLine;
using Nvsdk.Cli.Output;
using Nvsdk.Core.Errors;

namespace Nvsdk.Cli;

/// <summary>The one place exceptions become exit codes and messages (STYLE habit 7).</summary>
internal static class CliRunner
{
    public static async Task<int> RunAsync(RootCommand root, string[] args)
    {
        var parse = root.Parse(args);
        var verbose = parse.GetValue(GlobalOptions.Verbose);
        var json = parse.GetValue(GlobalOptions.Json);
        if (parse.Errors.Count > 0)
        {
            Console.Error.WriteLine($"nvsdk: {parse.Errors[0].Message} (see nvsdk --help)");
            return ExitCodes.InvalidInput;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }, cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine("nvsdk: interrupted; partial downloads are kept for the next run");
            return ExitCodes.Cancelled;
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
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug: still one line (the trace with --verbose), never an abort with a core dump.
            ErrorOutput.Write(new NvsdkException(ErrorCode.Internal, $"internal error: {e.GetType().Name}: {e.Message} (a bug in nvsdk; rerun with --verbose and report it)", e), verbose, json);
            return ExitCodes.Failed;
        }
    }
}
