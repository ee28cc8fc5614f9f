using Nvsdk.Core.Platform;

namespace Nvsdk.Core.Gpu.Host;

/// <summary>
/// The NVIDIA driver's kernel messages (`NVRM: …`) since it last loaded, for doctor's XID check: from the
/// ring buffer (/dev/kmsg) when it can be read, else from the syslog files of Debian (kern.log) and Red Hat
/// (messages). Every path goes through the host root, so a fake root in tests stands for the host.
/// </summary>
public static class KernelLog
{
    /// <summary>Where each source is, under the host root, in the order tried.</summary>
    public static IReadOnlyList<string> Files { get; } = ["/var/log/kern.log", "/var/log/messages"];

    private const string DriverLoaded = "NVRM: loading NVIDIA UNIX";

    /// <summary>The NVRM lines since the driver last loaded; null when no kernel log is readable.</summary>
    public static IReadOnlyList<string>? ReadNvrm(string hostRoot)
    {
        string Host(string path) => Path.Combine(hostRoot, path.TrimStart('/'));
        var lines = Posix.ReadKmsg(Host("/dev/kmsg")) ?? Files.Select(f => TryReadLines(Host(f))).FirstOrDefault(l => l is not null);
        return lines is null ? null : SinceDriverLoaded(lines);
    }

    /// <summary>
    /// The `NVRM:` lines after the last driver load (syslog files span reboots; an XID from before the last
    /// load is history, not a finding), each cut to start at `NVRM:`.
    /// </summary>
    public static IReadOnlyList<string> SinceDriverLoaded(IEnumerable<string> lines)
    {
        var nvrm = new List<string>();
        foreach (var line in lines)
        {
            var at = line.IndexOf("NVRM:", StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }

            var message = line[at..];
            if (message.StartsWith(DriverLoaded, StringComparison.Ordinal))
            {
                nvrm.Clear();
            }

            nvrm.Add(message);
        }

        return nvrm;
    }

    private static string[]? TryReadLines(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllLines(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
