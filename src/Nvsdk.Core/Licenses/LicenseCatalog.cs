using System.Text;
using Nvsdk.Core.LockFile;

namespace Nvsdk.Core.Licenses;

/// <summary>
/// The licences of NVIDIA's SDK components, keyed by the lock's <c>license</c> text: their ids, whether they are
/// proprietary, the upstream text and where each archive keeps its copy. A licence the catalog does not know is
/// treated as proprietary (asking once too often beats installing an unknown licence silently), unless it is an
/// open SPDX id.
/// </summary>
public static class LicenseCatalog
{
    private static readonly HashSet<string> OpenSpdx = new(StringComparer.OrdinalIgnoreCase)
    {
        "BSD-3-Clause", "BSD-2-Clause", "MIT", "Apache-2.0", "BSL-1.0", "ISC", "Zlib",
    };

    /// <summary>The lock's <c>license</c> text → the licence (as in nvsdk.lock.json and NVIDIA's manifests).</summary>
    private static readonly Dictionary<string, LicenseInfo> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["NVIDIA CUDA Toolkit EULA"] = new("NVIDIA-CUDA-EULA", "NVIDIA CUDA Toolkit End User License Agreement", true, "https://docs.nvidia.com/cuda/eula/index.html", "EULA.txt (builds/EULA.txt in the runfile, LICENSE in each redistrib archive)"),
        ["CUDA Toolkit"] = new("NVIDIA-CUDA-EULA", "NVIDIA CUDA Toolkit End User License Agreement", true, "https://docs.nvidia.com/cuda/eula/index.html", "LICENSE in each redistrib archive"), // redistrib_<ver>.json's own name for it
        ["NVIDIA cuDNN Software License Agreement"] = new("NVIDIA-cuDNN-SLA", "NVIDIA cuDNN Software License Agreement", true, "https://docs.nvidia.com/deeplearning/cudnn/latest/reference/eula.html", "LICENSE"),
        ["NVIDIA TensorRT License Agreement"] = new("NVIDIA-TensorRT-SLA", "NVIDIA TensorRT Software License Agreement", true, "https://docs.nvidia.com/deeplearning/tensorrt/latest/reference/sla.html", "doc/ (TensorRT-SLA)"),
        ["NVIDIA cuTENSOR Software License Agreement"] = new("NVIDIA-cuTENSOR-SLA", "NVIDIA cuTENSOR Software License Agreement", true, "https://docs.nvidia.com/cuda/cutensor/latest/license.html", "LICENSE"),
        ["NVIDIA Deep Learning Container License"] = new("NVIDIA-DLC-License", "NVIDIA Deep Learning Container License", true, "https://developer.download.nvidia.com/licenses/NVIDIA_Deep_Learning_Container_License.pdf", null),
        ["NVIDIA NCCL License (BSD-3-Clause)"] = new("BSD-3-Clause", "BSD 3-Clause \"New\" or \"Revised\" License", false, "https://github.com/NVIDIA/nccl/blob/master/LICENSE.txt", "*.dist-info/LICENSE.txt (the wheel's metadata)"),
        ["BSD-3-Clause"] = new("BSD-3-Clause", "BSD 3-Clause \"New\" or \"Revised\" License", false, "https://spdx.org/licenses/BSD-3-Clause.html", "LICENSE.txt"), // CUTLASS's entry
    };

    public static bool IsSpdx(string id) => OpenSpdx.Contains(id);

    /// <summary>The licence a component's lock entry names.</summary>
    public static LicenseInfo Of(Component component)
    {
        if (Known.TryGetValue(component.License.Trim(), out var known))
        {
            return known;
        }

        var text = component.License.Trim();
        return OpenSpdx.TryGetValue(text, out var spdx)
            ? new LicenseInfo(spdx, spdx, false, $"https://spdx.org/licenses/{spdx}.html", null)
            : new LicenseInfo(Slug(text), text, true, null, null);
    }

    /// <summary>"NVIDIA Driver License" → "NVIDIA-Driver-License": an id a user can type.</summary>
    private static string Slug(string text)
    {
        var id = new StringBuilder();
        foreach (var c in text)
        {
            id.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '-');
        }

        var slug = string.Join('-', id.ToString().Split('-', StringSplitOptions.RemoveEmptyEntries));
        return slug.Length > 0 ? slug : "unnamed-license";
    }
}
