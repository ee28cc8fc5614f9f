using System.Diagnostics;
using Nvsdk.Testing;

namespace Nvsdk.Cli.Tests;

/// <summary>
/// Runs the real nvsdk program. By default the build's nvsdk.dll under `dotnet`; with NVSDK_BIN set (CI sets
/// it to the published out/nvsdk), the self-contained binary users get.
/// </summary>
internal static class Nvsdk
{
    private static readonly string? Binary = Environment.GetEnvironmentVariable("NVSDK_BIN") is { Length: > 0 } bin ? Path.GetFullPath(bin) : null;

    private static (string File, string[] Prefix) Command =>
        Binary is not null
            ? (Binary, [])
            : (ProcessRunner.Which("dotnet") ?? "dotnet", [Path.Combine(AppContext.BaseDirectory, "nvsdk.dll")]);

    public static Task<ProcessResult> RunAsync(params string[] args) => RunAsync(args, timeout: null);

    public static Task<ProcessResult> RunAsync(string[] args, TimeSpan? timeout)
    {
        var (file, prefix) = Command;
        return ProcessRunner.RunAsync(file, [.. prefix, .. args], environment: CleanEnvironment, timeout: timeout ?? TimeSpan.FromMinutes(3));
    }

    public static Process Start(params string[] args)
    {
        var (file, prefix) = Command;
        return ProcessRunner.Start(file, [.. prefix, .. args], environment: CleanEnvironment);
    }

    /// <summary>A developer's own NVSDK_ROOT or NVSDK_LOCK must never leak into a test.</summary>
    private static readonly Dictionary<string, string?> CleanEnvironment = new()
    {
        ["NVSDK_ROOT"] = null,
        ["NVSDK_LOCK"] = null,
        ["TERM"] = "dumb",
    };
}
