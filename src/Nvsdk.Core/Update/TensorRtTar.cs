using System.Globalization;
using System.Text.RegularExpressions;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Update;

/// <summary>
/// A TensorRT tarball for Linux as NVIDIA names it in a release's tars/ folder:
/// <c>TensorRT-10.15.1.29.Linux.x86_64-gnu.cuda-13.1.tar.gz</c>. The same folder holds Jetson builds
/// (<c>.l4t.aarch64-gnu.</c>), Windows zips and older CUDA majors; none of those parse, so none can be pinned
/// for a server by mistake.
/// </summary>
public readonly partial record struct TensorRtTar(string FileName, Version Version, SystemId System, int CudaMajor, int CudaMinor)
{
    public static bool TryParse(string fileName, out TensorRtTar tar)
    {
        var m = Name().Match(fileName);
        if (!m.Success || !Version.TryParse(m.Groups["version"].Value, out var version))
        {
            tar = default;
            return false;
        }

        var system = m.Groups["arch"].Value == "x86_64" ? SystemId.X86_64Linux : SystemId.Aarch64Linux;
        tar = new TensorRtTar(fileName, version, system, Number(m.Groups["major"].Value), Number(m.Groups["minor"].Value));
        return true;
    }

    private static int Number(string digits) => int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^TensorRT-(?<version>\d{1,5}(?:\.\d{1,5}){1,3})\.Linux\.(?<arch>x86_64|aarch64)-gnu\.cuda-(?<major>\d{1,3})\.(?<minor>\d{1,3})\.tar\.gz$")]
    private static partial Regex Name();
}
