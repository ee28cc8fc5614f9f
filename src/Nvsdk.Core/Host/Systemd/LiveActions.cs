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

    /// <summary>The commands apply runs after writing, in order (empty under --root).</summary>
    public static IReadOnlyList<string[]> Commands(HostRoot host, IReadOnlyList<FileChange> changes, IReadOnlyList<ManagedFile> desired)
    {
        if (!host.IsLive)
        {
            return [];
        }

        var commands = new List<string[]>();
        if (changes.Any(c => c.Path.StartsWith(PersistencedUnit.UnitDirectory + "/", StringComparison.Ordinal)))
        {
            commands.Add(["systemctl", "daemon-reload"]);
        }

        if (desired.Any(f => f.Path == PersistencedUnit.InstallPath) && changes.Any(c => c.Path.StartsWith(PersistencedUnit.UnitDirectory + "/", StringComparison.Ordinal)))
        {
            commands.Add(["systemctl", "enable", "--now", Persistenced]);
        }

        return commands;
    }

    /// <summary>A hint for what apply leaves to the user: restarting dockerd after daemon.json changed.</summary>
    public static string? DockerHint(IReadOnlyList<FileChange> changes) =>
        changes.Any(c => c.Path == DockerDaemonConfig.DefaultPath)
            ? "restart dockerd so it reads features.cdi: `systemctl restart docker` (stops running containers unless live-restore is on)"
            : null;

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
