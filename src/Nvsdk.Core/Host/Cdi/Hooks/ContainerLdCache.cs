using Nvsdk.Core.Errors;
using Nvsdk.Core.Platform;

namespace Nvsdk.Core.Host.Cdi.Hooks;

/// <summary>
/// `cdi-hook update-ldcache --folder DIR…`: makes the driver's library folders known to the container's dynamic
/// linker, as nvidia-cdi-hook does: a drop-in under /etc/ld.so.conf.d (so a later ldconfig in the container keeps
/// them) and the host's ldconfig run with -r on the container's root (reading the drop-ins), which also makes the soname links
/// (libcuda.so.1 → libcuda.so.580.159.04). The host's ldconfig is used because a container image may have none.
/// </summary>
public static class ContainerLdCache
{
    public const string Verb = "update-ldcache";

    public const string DropIn = "/etc/ld.so.conf.d/00-nvsdk-cdi.conf";

    private static readonly string[] LdconfigCandidates = ["/sbin/ldconfig", "/usr/sbin/ldconfig", "/sbin/ldconfig.real"];

    public static async Task UpdateAsync(string rootfs, IReadOnlyList<string> folders, CancellationToken cancellationToken = default)
    {
        if (folders.Any(f => !f.StartsWith('/')))
        {
            throw new UsageException("every --folder must be an absolute path in the container", "e.g. --folder /usr/lib/x86_64-linux-gnu");
        }

        var container = new HostRoot(rootfs);
        container.WriteFile(container.Locate(DropIn, followFinal: false), System.Text.Encoding.UTF8.GetBytes(string.Join('\n', folders) + "\n"), "644");
        if (!container.IsFile("/etc/ld.so.conf"))
        {
            container.WriteFile(container.Locate("/etc/ld.so.conf", followFinal: false), "include /etc/ld.so.conf.d/*.conf\n"u8.ToArray(), "644");
        }

        var ldconfig = LdconfigCandidates.FirstOrDefault(File.Exists)
            ?? throw new NvsdkException(ErrorCode.InvalidInput, "no ldconfig on this host (looked in /sbin and /usr/sbin)") { Hint = "install libc-bin" };
        // The folders come from the drop-ins, in their name order, so that one written before (enable-cuda-compat's
        // 00-compat…) stays ahead of the driver's: ldconfig would put folders named on its command line first. Only an
        // ld.so.conf that does not include the drop-ins gets them on the command line.
        var includesDropIns = container.Read("/etc/ld.so.conf")?.Contains("/etc/ld.so.conf.d/", StringComparison.Ordinal) == true;
        var result = await ProcessCapture.RunAsync(ldconfig, ["-r", rootfs, .. (includesDropIns ? Array.Empty<string>() : folders)], cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new NvsdkException(ErrorCode.Internal, $"{ldconfig} -r {rootfs} failed (exit {result.ExitCode}): {result.Stderr.Trim()}");
        }
    }
}
