using System.Globalization;
using Nvsdk.Core.Errors;

namespace Nvsdk.Core.Host.Cdi.Hooks;

/// <summary>
/// `cdi-hook enable-cuda-compat --host-driver-version=X`, as nvidia-cdi-hook's: a CUDA image may ship NVIDIA's forward
/// compatibility driver libraries in /usr/local/cuda/compat (libcuda.so.&lt;version&gt;, for a CUDA newer than the
/// host's driver supports). When that libcuda's major version is newer than the host driver's, the folder is listed in
/// a drop-in under /etc/ld.so.conf.d named to sort ahead of the driver's (00-compat… before 00-nvsdk-cdi.conf), so
/// the update-ldcache hook that runs next puts the compat libcuda first. Otherwise (no compat folder, not exactly one
/// libcuda there, or not newer) the container is left as it is: the host driver serves it.
/// </summary>
public static class ContainerCudaCompat
{
    public const string Verb = "enable-cuda-compat";

    public const string HostDriverVersionOption = "--host-driver-version";

    public const string CompatFolder = "/usr/local/cuda/compat";

    /// <summary>Sorts before <see cref="ContainerLdCache.DropIn"/>: ldconfig reads the drop-ins in name order.</summary>
    public const string DropIn = "/etc/ld.so.conf.d/00-compat-nvsdk.conf";

    /// <summary>Returns whether the compat folder was enabled.</summary>
    public static bool Enable(string rootfs, string hostDriverVersion)
    {
        var hostMajor = Major(hostDriverVersion)
            ?? throw new UsageException($"{HostDriverVersionOption} \"{hostDriverVersion}\" is not a driver version", $"e.g. {HostDriverVersionOption}=580.159.04");
        var container = new HostRoot(rootfs);
        var libcuda = container.List(CompatFolder)
            .Where(n => n.StartsWith("libcuda.so.", StringComparison.Ordinal) && Major(n["libcuda.so.".Length..]) is not null && n.Count(c => c == '.') >= 3)
            .ToList();
        if (libcuda.Count != 1 || Major(libcuda[0]["libcuda.so.".Length..]) <= hostMajor)
        {
            return false;
        }

        container.WriteFile(container.Locate(DropIn, followFinal: false), System.Text.Encoding.UTF8.GetBytes(CompatFolder + "\n"), "644");
        return true;
    }

    /// <summary>"580.159.04" → 580; null when the text does not start with a number and a dot.</summary>
    private static int? Major(string version)
    {
        var dot = version.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && int.TryParse(version.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var major) ? major : null;
    }
}
