using System.CommandLine;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Store;

namespace Nvsdk.Cli;

/// <summary>The resolved global settings of one invocation.</summary>
internal sealed record CliContext(string LockPath, string? RootOption, bool Json, bool Quiet, bool Verbose)
{
    public static CliContext From(ParseResult result)
    {
        var lockPath = result.GetValue(GlobalOptions.Lock)
            ?? Environment.GetEnvironmentVariable("NVSDK_LOCK")
            ?? "nvsdk.lock.json";
        return new CliContext(
            lockPath,
            result.GetValue(GlobalOptions.Root),
            result.GetValue(GlobalOptions.Json),
            result.GetValue(GlobalOptions.Quiet),
            result.GetValue(GlobalOptions.Verbose));
    }

    /// <summary>Plain text goes out unless --json or --quiet asked for silence.</summary>
    public bool Text => !Json && !Quiet;

    public string StoreRoot => StoreLayout.ResolveRoot(RootOption);

    public LockFile LoadLock() => LockFileParser.Load(LockPath);
}
