using Nvsdk.Core.Errors;

namespace Nvsdk.Cli;

/// <summary>The exit codes scripts can rely on.</summary>
internal static class ExitCodes
{
    /// <summary>Everything asked for was done (warnings may have been printed).</summary>
    public const int Ok = 0;

    /// <summary>The operation ran and failed: check found errors, a fetch failed, verify found corruption.</summary>
    public const int Failed = 1;

    /// <summary>The request itself was wrong: bad flags, a bad lock file, an unknown component, an unwritable root.</summary>
    public const int InvalidInput = 2;

    /// <summary>Interrupted (Ctrl-C), as shells report SIGINT.</summary>
    public const int Cancelled = 130;

    /// <summary>Stopped by SIGTERM, as shells report it.</summary>
    public const int Terminated = 143;

    public static int For(ErrorCode code) => code switch
    {
        ErrorCode.InvalidInput or ErrorCode.StoreUnavailable => InvalidInput,
        ErrorCode.Cancelled => Cancelled,
        ErrorCode.GpuUnavailable => Failed,
        _ => Failed,
    };
}
