namespace Nvsdk.Testing;

/// <summary>Prometheus's own checker (`promtool check metrics`, from Debian's prometheus package) over an exposition.</summary>
public static class Promtool
{
    public static string? Executable =>
        Environment.GetEnvironmentVariable("NVSDK_PROMTOOL") is { Length: > 0 } configured && File.Exists(configured)
            ? configured
            : ProcessRunner.Which("promtool");

    public const string MissingReason = "promtool is not installed: apt-get install prometheus (scripts/deps.sh), or set NVSDK_PROMTOOL";

    /// <summary>
    /// Exit code and output of `promtool check metrics` fed <paramref name="exposition"/> on stdin: 0 clean,
    /// 1 the text does not parse, 3 it parses but lint found problems (one line each).
    /// </summary>
    public static async Task<ProcessResult> CheckMetricsAsync(string exposition)
    {
        var executable = Executable ?? throw new InvalidOperationException(MissingReason);
        using var process = ProcessRunner.Start(executable, ["check", "metrics"]);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(exposition);
        process.StandardInput.Close();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>`promtool ARGS…` (check rules, test rules) in <paramref name="workingDirectory"/>: exit code and output.</summary>
    public static Task<ProcessResult> RunAsync(string workingDirectory, params string[] args) =>
        ProcessRunner.RunAsync(Executable ?? throw new InvalidOperationException(MissingReason), args, workingDirectory, timeout: TimeSpan.FromMinutes(1));
}
