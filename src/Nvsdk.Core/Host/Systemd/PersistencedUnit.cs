namespace Nvsdk.Core.Host.Systemd;

/// <summary>
/// The <c>nvidia-persistenced.service</c> unit nvsdk installs when <c>persistenced</c> is on: the seed's NixOS
/// service (a forking daemon restarted always, its PID file and runtime folder under
/// <c>/run/nvidia-persistenced</c>) with persistence mode asked for explicitly. Pure: the caller writes it.
/// </summary>
public static class PersistencedUnit
{
    /// <summary>The unit's file name.</summary>
    public const string FileName = "nvidia-persistenced.service";

    /// <summary>Where locally managed units live; takes precedence over the distribution's own copy.</summary>
    public const string UnitDirectory = "/etc/systemd/system";

    /// <summary>The full path the unit is installed at.</summary>
    public const string InstallPath = UnitDirectory + "/" + FileName;

    /// <summary>The first line of every file nvsdk manages, so a reader knows where edits will go.</summary>
    public const string ManagedHeader = "# managed by nvsdk: hand edits show up as drift and are replaced by the next apply";

    /// <summary>The PID file the daemon writes (it is hard-wired into nvidia-persistenced).</summary>
    public const string PidFile = "/run/nvidia-persistenced/nvidia-persistenced.pid";

    /// <summary>The unit text for the daemon at <paramref name="persistencedBinary"/>.</summary>
    /// <param name="persistencedBinary">
    /// The absolute path of <c>nvidia-persistenced</c> on the host (the engine finds it under <c>/usr/bin</c>
    /// or <c>/usr/local/nvidia/bin</c>). It is written unquoted, so it may not hold white space, quotes,
    /// backslashes or the <c>%</c>/<c>$</c> systemd would expand.
    /// </param>
    public static string Render(string persistencedBinary)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistencedBinary);
        if (persistencedBinary[0] != '/')
        {
            throw new ArgumentException($"ExecStart needs an absolute path, not \"{persistencedBinary}\"", nameof(persistencedBinary));
        }

        if (persistencedBinary.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '"' or '\'' or '\\' or '%' or '$' or ';'))
        {
            throw new ArgumentException($"\"{persistencedBinary}\" holds a character systemd would split or expand in ExecStart", nameof(persistencedBinary));
        }

        // No Wants/After=syslog.target (NVIDIA's sample unit has it): systemd dropped that target long ago, the
        // journal is up before any ordinary service, and the default dependencies order us after basic.target.
        // RuntimeDirectory= creates /run/nvidia-persistenced before ExecStart and removes it on stop;
        // ExecStopPost= also clears it after a crash, as the seed's unit does.
        return $"""
            {ManagedHeader}
            [Unit]
            Description=NVIDIA Persistence Daemon

            [Service]
            Type=forking
            Restart=always
            PIDFile={PidFile}
            ExecStart={persistencedBinary} --persistence-mode --verbose
            ExecStopPost=/bin/rm -rf /run/nvidia-persistenced
            RuntimeDirectory=nvidia-persistenced

            [Install]
            WantedBy=multi-user.target

            """;
    }
}
