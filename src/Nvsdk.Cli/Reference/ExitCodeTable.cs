namespace Nvsdk.Cli.Reference;

/// <summary>The exit codes with what they mean, for the man page; a test checks every constant of
/// <see cref="ExitCodes"/> is listed.</summary>
internal static class ExitCodeTable
{
    public static readonly IReadOnlyList<(int Code, string Meaning)> All =
    [
        (ExitCodes.Ok, "Everything asked for was done (warnings may have been printed)."),
        (ExitCodes.Failed, "The operation ran and failed: check found errors, a fetch failed, verify found corruption, doctor found a broken host."),
        (ExitCodes.InvalidInput, "The request itself was wrong: bad flags, a bad lock file, an unknown component, an unwritable root."),
        (ExitCodes.Cancelled, "Interrupted (SIGINT, Ctrl-C); partial downloads are kept for the next run."),
    ];
}
