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
        UnprivilegedLane.Uid is { } uid ? AsUser(uid)
        : Binary is not null ? (Binary, [])
        : (ProcessRunner.Which("dotnet") ?? "dotnet", [Path.Combine(AppContext.BaseDirectory, "nvsdk.dll")]);

    private static readonly Lazy<TempDir> LaneHome = new(() => new TempDir("nvsdk-lane-home-"));

    /// <summary>In the non-root lane every nvsdk runs as that user (see <see cref="UnprivilegedLane"/>).</summary>
    private static (string File, string[] Prefix) AsUser(int uid)
    {
        var (file, prefix) = UnprivilegedLane.Wrap(Binary ?? throw new InvalidOperationException("the non-root lane needs NVSDK_BIN"), uid, LaneHome.Value.Path);
        return (file, prefix);
    }

    /// <summary>Runs the published nvsdk as <paramref name="uid"/> whatever the lane, HOME and environment given.</summary>
    public static Task<ProcessResult> RunAsUserAsync(int uid, string home, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var (file, prefix) = UnprivilegedLane.Wrap(Binary ?? throw new InvalidOperationException("set NVSDK_BIN to the published binary"), uid, home);
        var merged = new Dictionary<string, string?>(CleanEnvironment);
        foreach (var (k, v) in environment)
        {
            merged[k] = v;
        }

        return ProcessRunner.RunAsync(file, [.. prefix, .. args], environment: merged, timeout: TimeSpan.FromMinutes(3));
    }

    /// <summary>Sends a signal as a terminal or a service manager would (kill -INT / -TERM).</summary>
    public static async Task SignalAsync(System.Diagnostics.Process process, string signal)
    {
        var kill = await ProcessRunner.RunAsync(ProcessRunner.Require("kill", "procps"), [$"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.True(kill.ExitCode == 0 || process.HasExited, kill.ToString());
    }

    public static Task<ProcessResult> RunAsync(params string[] args) => RunAsync(args, timeout: null);

    public static Task<ProcessResult> RunAsync(string[] args, TimeSpan? timeout)
    {
        var (file, prefix) = Command;
        return ProcessRunner.RunAsync(file, [.. prefix, .. args], environment: CleanEnvironment, timeout: timeout ?? TimeSpan.FromMinutes(3));
    }

    /// <summary>With variables set (or removed, with null) on top of the clean environment.</summary>
    public static Task<ProcessResult> RunWithAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var (file, prefix) = Command;
        var merged = new Dictionary<string, string?>(CleanEnvironment);
        foreach (var (name, value) in environment)
        {
            merged[name] = value;
        }

        return ProcessRunner.RunAsync(file, [.. prefix, .. args], environment: merged, timeout: TimeSpan.FromMinutes(3));
    }

    public static Process Start(params string[] args)
    {
        var (file, prefix) = Command;
        return ProcessRunner.Start(file, [.. prefix, .. args], environment: CleanEnvironment);
    }

    /// <summary>
    /// A developer's own NVSDK_ROOT or NVSDK_LOCK must never leak into a test. The fixture lock carries NVIDIA's
    /// real licence names, so every test accepts them as CI does (NVSDK_ACCEPT_LICENSES=1), except the licence
    /// tests, which remove it (<see cref="RunWithAsync"/>).
    /// </summary>
    private static readonly Dictionary<string, string?> CleanEnvironment = new()
    {
        ["NVSDK_ROOT"] = null,
        ["NVSDK_LOCK"] = null,
        ["XDG_DATA_HOME"] = null,
        ["NVSDK_ACCEPT_LICENSES"] = "1",
        ["NVSDK_HOST_CONFIG"] = null,
        ["TERM"] = "dumb",
    };
}
