using Nvsdk.Core.Host.Docker;
using Nvsdk.Core.Platform;

namespace Nvsdk.Core.Host.Systemd;

/// <summary>
/// What a live root ("/") needs after the files change, so the running system uses them: systemd re-reads its units,
/// persistenced is enabled and started, and dockerd is restarted to read features.cdi — the last one only suggested,
/// since it stops every running container without live-restore. Under --root nothing runs: that system is not live.
/// </summary>
public static class LiveActions
{
    public const string Persistenced = PersistencedUnit.FileName;

    /// <summary>The commands apply runs after writing, in order (empty under --root: see <see cref="Hints"/>).</summary>
    public static IReadOnlyList<string[]> Commands(HostRoot host, IReadOnlyList<FileChange> changes, IReadOnlyList<ManagedFile> desired) =>
        host.IsLive ? Needed(changes, desired) : [];

    /// <summary>
    /// What apply leaves to the user: restarting dockerd after daemon.json changed and, under --root (the DaemonSet's
    /// /host, or a copy), the systemd commands that the system whose root it is must run to use the new unit.
    /// </summary>
    public static IReadOnlyList<string> Hints(HostRoot host, IReadOnlyList<FileChange> changes, IReadOnlyList<ManagedFile> desired)
    {
        var hints = new List<string>();
        if (!host.IsLive && Needed(changes, desired) is { Count: > 0 } systemd)
        {
            hints.Add($"on the system whose root is {host.Root}, run `{string.Join(" && ", systemd.Select(c => string.Join(' ', c)))}` (nvsdk runs them itself only on /)");
        }

        if (changes.Any(c => c.Path == DockerDaemonConfig.DefaultPath))
        {
            hints.Add("restart dockerd so it reads features.cdi: `systemctl restart docker` (stops running containers unless live-restore is on)");
        }

        return hints;
    }

    /// <summary>The systemd commands the changed files call for, live root or not.</summary>
    private static List<string[]> Needed(IReadOnlyList<FileChange> changes, IReadOnlyList<ManagedFile> desired)
    {
        var commands = new List<string[]>();
        if (changes.Any(c => c.Path.StartsWith(PersistencedUnit.UnitDirectory + "/", StringComparison.Ordinal)))
        {
            commands.Add(["systemctl", "daemon-reload"]);
            if (desired.Any(f => f.Path == PersistencedUnit.InstallPath))
            {
                commands.Add(["systemctl", "enable", "--now", Persistenced]);
            }
        }

        return commands;
    }

    /// <summary>Runs the commands; returns one line per command that failed (apply has already succeeded by then).</summary>
    public static async Task<IReadOnlyList<string>> RunAsync(IReadOnlyList<string[]> commands, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        foreach (var command in commands)
        {
            try
            {
                var result = await ProcessCapture.RunAsync(command[0], command[1..], cancellationToken).ConfigureAwait(false);
                if (result.ExitCode != 0)
                {
                    failures.Add($"`{string.Join(' ', command)}` failed (exit {result.ExitCode}): {result.Stderr.Trim()}");
                }
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                failures.Add($"`{string.Join(' ', command)}` could not run: {e.Message}");
            }
        }

        return failures;
    }
}
