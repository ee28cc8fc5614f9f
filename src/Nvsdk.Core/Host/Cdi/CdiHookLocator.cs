namespace Nvsdk.Core.Host.Cdi;

/// <summary>
/// Which program the CDI spec's hooks can run on this host. A spec whose hook is missing makes every GPU container
/// fail to start, so only a program that exists under the root qualifies: the running nvsdk when it sits at a stable
/// path there, an installed nvsdk, or NVIDIA's nvidia-cdi-hook. Null when there is none.
/// </summary>
public static class CdiHookLocator
{
    /// <summary>Where nvsdk is expected to be installed, in order of preference.</summary>
    public static IReadOnlyList<string> InstalledPaths { get; } = ["/usr/local/bin/nvsdk", "/usr/bin/nvsdk"];

    /// <summary>Folders a binary stays in; a build folder or /tmp would vanish under the spec.</summary>
    private static readonly string[] StableFolders = ["/usr/", "/opt/", "/var/lib/nvsdk/"];

    public static string? Find(HostRoot host, string? runningBinary = null) => Self(host, runningBinary) ?? Installed(host);

    /// <summary>The running nvsdk's host path when it sits at a stable path under the root: it is then its own hook.</summary>
    public static string? Self(HostRoot host, string? runningBinary = null)
    {
        runningBinary ??= Environment.ProcessPath;
        return runningBinary is not null && Path.GetFileName(runningBinary) == "nvsdk" && InRoot(host, runningBinary) is { } self
            && StableFolders.Any(f => self.StartsWith(f, StringComparison.Ordinal)) && host.IsFile(self)
            ? self
            : null;
    }

    /// <summary>An nvsdk installed at <see cref="InstalledPaths"/>, else NVIDIA's nvidia-cdi-hook; null when neither is there.</summary>
    public static string? Installed(HostRoot host) => InstalledPaths.Append(CdiHookProgram.NvidiaHookPath).FirstOrDefault(host.IsFile);

    /// <summary>The host path of a path on this machine, when it lies under the root.</summary>
    private static string? InRoot(HostRoot host, string onMachine) =>
        host.IsLive ? onMachine
        : onMachine.StartsWith(host.Root + "/", StringComparison.Ordinal) ? onMachine[host.Root.Length..]
        : null;
}
