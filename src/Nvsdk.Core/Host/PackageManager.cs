using System.Diagnostics;

namespace Nvsdk.Core.Host;

/// <summary>
/// The distribution's package manager, chosen from /etc/os-release: apt (Debian, Ubuntu), dnf (Fedora,
/// RHEL family), zypper (SUSE), pacman (Arch). Availability is asked of the real manager only when the host
/// root is "/"; under --root nothing is run and availability is unknown.
/// </summary>
public sealed class PackageManager(string name, string installCommand)
{
    public string Name { get; } = name;

    public string InstallCommand { get; } = installCommand;

    public static PackageManager? Detect(HostRoot host)
    {
        var osRelease = host.Read("/etc/os-release") ?? string.Empty;
        string Field(string key) => osRelease.Split('\n').FirstOrDefault(l => l.StartsWith(key + "=", StringComparison.Ordinal))?[(key.Length + 1)..].Trim('"') ?? string.Empty;
        var ids = $"{Field("ID")} {Field("ID_LIKE")}";
        return ids switch
        {
            _ when ids.Contains("debian", StringComparison.Ordinal) || ids.Contains("ubuntu", StringComparison.Ordinal) => new("apt", "apt-get install -y"),
            _ when ids.Contains("fedora", StringComparison.Ordinal) || ids.Contains("rhel", StringComparison.Ordinal) => new("dnf", "dnf install -y"),
            _ when ids.Contains("suse", StringComparison.Ordinal) => new("zypper", "zypper --non-interactive install"),
            _ when ids.Contains("arch", StringComparison.Ordinal) => new("pacman", "pacman -S --noconfirm"),
            _ => null,
        };
    }

    /// <summary>Whether the package can be installed (true), cannot (false), or was not asked (null).</summary>
    public bool? IsAvailable(string package, bool live)
    {
        if (!live || Name != "apt")
        {
            return null;
        }

        var result = Run("apt-cache", ["policy", package]);
        if (result is null)
        {
            return null;
        }

        var candidate = result.Split('\n').FirstOrDefault(l => l.Trim().StartsWith("Candidate:", StringComparison.Ordinal))?.Trim();
        return candidate is not null && !candidate.EndsWith("(none)", StringComparison.Ordinal);
    }

    public bool IsInstalled(string package, bool live) =>
        live && Name == "apt" && Run("dpkg-query", ["-W", "-f=${Status}", package]) is { } status && status.Contains("install ok installed", StringComparison.Ordinal);

    public void Install(IReadOnlyList<string> packages)
    {
        if (packages.Count == 0)
        {
            return;
        }

        var parts = InstallCommand.Split(' ');
        var output = Run(parts[0], [.. parts[1..], .. packages]) ?? throw new Errors.NvsdkException(Errors.ErrorCode.Internal, $"`{InstallCommand} {string.Join(' ', packages)}` failed");
        _ = output;
    }

    private static string? Run(string program, IEnumerable<string> args)
    {
        try
        {
            var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args)
            {
                info.ArgumentList.Add(a);
            }

            info.Environment["DEBIAN_FRONTEND"] = "noninteractive";
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? stdout : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
