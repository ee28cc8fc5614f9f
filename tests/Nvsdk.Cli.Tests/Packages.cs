using Nvsdk.Testing;

namespace Nvsdk.Cli.Tests;

/// <summary>
/// The published binaries the packaging tests need (scripts/test.sh builds both): NVSDK_BIN for this machine
/// and NVSDK_BIN_ARM64 (scripts/build.sh linux-arm64), and what running scripts/package.sh on them gives.
/// In CI a missing one fails the test; elsewhere it is skipped.
/// </summary>
internal static class Packages
{
    public static string Version => File.ReadAllText(Path.Combine(RepoPaths.Root, "VERSION")).Trim();

    public static bool InCi => Environment.GetEnvironmentVariable("CI") == "true";

    /// <summary>The published binary named by <paramref name="variable"/>, or null (skip) outside CI.</summary>
    public static string? Binary(string variable)
    {
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } path && File.Exists(path))
        {
            return Path.GetFullPath(path);
        }

        Assert.False(InCi, $"{variable} must name a published binary in CI (scripts/test.sh builds it)");
        return null;
    }

    /// <summary>A tool the test drives; missing fails in CI, skips elsewhere.</summary>
    public static string? Tool(string name, string debianPackage)
    {
        var path = ProcessRunner.Which(name);
        Assert.False(path is null && InCi, $"{name} is not installed: apt-get install {debianPackage} (scripts/deps.sh)");
        return path;
    }

    /// <summary>Runs scripts/package.sh ARCH BINARY OUT with a fixed SOURCE_DATE_EPOCH.</summary>
    public static async Task PackAsync(string arch, string binary, string outDir)
    {
        var result = await ProcessRunner.RunAsync(
            "bash",
            [Path.Combine(RepoPaths.Root, "scripts", "package.sh"), arch, binary, outDir],
            environment: new Dictionary<string, string?> { ["SOURCE_DATE_EPOCH"] = "1764547200" },
            timeout: TimeSpan.FromMinutes(5));
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    public static async Task<ProcessResult> RunOkAsync(string file, params string[] args)
    {
        var result = await ProcessRunner.RunAsync(file, args, timeout: TimeSpan.FromMinutes(10));
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}
