using Nvsdk.Core.Errors;

namespace Nvsdk.Cli.Output;

/// <summary>Prints an error: one line (plus a hint) on stderr; with --json also a JSON object on stdout.</summary>
internal static class ErrorOutput
{
    public static void Write(NvsdkException error, bool verbose, bool json)
    {
        Console.Error.WriteLine($"nvsdk: error: {error.Message}");
        if (error.Hint is not null)
        {
            Console.Error.WriteLine($"  hint: {error.Hint}");
        }

        if (verbose)
        {
            Console.Error.WriteLine(error.ToString());
        }

        if (json)
        {
            var model = new JsonError(new JsonErrorBody(error.Code.ToString(), error.Message, error.Hint, ExitCodes.For(error.Code)));
            JsonOut.Write(model, CliJsonContext.Default.JsonError);
        }
    }
}
