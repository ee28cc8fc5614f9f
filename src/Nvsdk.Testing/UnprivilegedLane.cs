namespace Nvsdk.Testing;

/// <summary>
/// The non-root lane: with NVSDK_TEST_AS_UID set (scripts/test.sh sets 65534, "nobody"), every nvsdk the CLI tests
/// start runs as that user through util-linux's setpriv, and every scratch folder belongs to it — so the suite
/// proves a user without root can install, fetch, verify and gc, as people really run nvsdk.
/// </summary>
public static class UnprivilegedLane
{
    /// <summary>The uid the lane runs nvsdk as, or null when the tests run nvsdk as themselves.</summary>
    public static int? Uid { get; } = int.TryParse(Environment.GetEnvironmentVariable("NVSDK_TEST_AS_UID"), out var uid) ? uid : null;

    private static readonly Lazy<string> SharedBinary = new(CopyBinaryWhereTheUserCanRunIt);

    /// <summary>The command line that runs <paramref name="binary"/> as <paramref name="uid"/>, HOME set to a folder it owns.</summary>
    public static (string File, string[] Prefix) Wrap(string binary, int uid, string home) =>
        (ProcessRunner.Require("setpriv", "util-linux"),
         [$"--reuid={uid}", $"--regid={uid}", "--clear-groups", "--", "/usr/bin/env", $"HOME={home}", Lane(binary)]);

    /// <summary>Gives a folder to the lane's user (no-op outside the lane).</summary>
    public static void Own(string path)
    {
        if (Uid is { } uid)
        {
            GiveTo(path, uid);
        }
    }

    /// <summary>Gives a folder (not its contents) to <paramref name="uid"/>, as root can.</summary>
    public static void GiveTo(string path, int uid)
    {
        var chown = ProcessRunner.RunAsync(ProcessRunner.Require("chown", "coreutils"), [$"{uid}:{uid}", path]).GetAwaiter().GetResult();
        if (chown.ExitCode != 0)
        {
            throw new InvalidOperationException($"chown {uid} {path}: {chown}");
        }
    }

    private static string Lane(string binary) => Uid is null ? binary : SharedBinary.Value;

    /// <summary>The checkout may sit in a folder only root can enter (/root): the user runs a copy in /tmp.</summary>
    private static string CopyBinaryWhereTheUserCanRunIt()
    {
        var bin = Environment.GetEnvironmentVariable("NVSDK_BIN") is { Length: > 0 } b
            ? Path.GetFullPath(b)
            : throw new InvalidOperationException("the non-root lane runs the published binary: set NVSDK_BIN (scripts/test.sh does)");
        var dir = Directory.CreateTempSubdirectory("nvsdk-lane-bin-").FullName;
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        var copy = Path.Combine(dir, "nvsdk");
        File.Copy(bin, copy);
        File.SetUnixFileMode(copy, (UnixFileMode)0b111_101_101);
        return copy;
    }
}
