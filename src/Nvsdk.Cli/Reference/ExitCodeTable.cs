namespace Nvsdk.Cli.Reference;

/// <summary>The exit codes with what they mean, for the man page; a test checks every constant of
/// <see cref="ExitCodes"/> is listed.</summary>
internal static class ExitCodeTable
{
    public static readonly IReadOnlyList<(int Code, string Meaning)> All =
    [
        (ExitCodes.Ok, "Everything asked for was done (warnings may have been printed)."),
        (ExitCodes.Failed, "The operation ran and failed: check found errors, a download or an update source failed, verify found corruption, no usable GPU (status, top, smoke); doctor: degraded."),
        (ExitCodes.InvalidInput, "The request itself was wrong and nothing was written: a typo, an unknown option, a value of the wrong type, a missing or wrong file, an unknown component, an unwritable root; doctor: broken."),
        (ExitCodes.Cancelled, "Interrupted by SIGINT (Ctrl-C): the store stays consistent, partial downloads are kept for the next run, an interrupted update never writes the lock."),
        (ExitCodes.Terminated, "Stopped by SIGTERM, as for SIGINT (the exporter and top exit 0: a signal is how they end)."),
    ];
}
