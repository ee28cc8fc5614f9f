using System.Globalization;

namespace Nvsdk.Core.Gpu.Nvml;

/// <summary>
/// NVIDIA's meaning of the XIDs operators meet most (from NVIDIA's "XID Errors" table in the GPU deployment
/// and management documentation), with who is likely at fault, so a page or a doctor line says what to do.
/// </summary>
public static class XidCatalog
{
    private static readonly Dictionary<int, string> Meanings = new()
    {
        [13] = "graphics engine exception: usually the application (out-of-range access, illegal instruction)",
        [31] = "GPU memory page fault: usually the application (illegal memory access)",
        [43] = "GPU stopped processing: a user application faulted and was stopped",
        [45] = "preemptive cleanup after earlier errors: the driver ended the application",
        [48] = "double-bit ECC error: uncorrectable memory error, reset the GPU",
        [63] = "ECC page retirement or row remapping recorded: drain and reset the GPU when convenient",
        [64] = "ECC page retirement or row remapping failed to record: reset the GPU, replace it if it recurs",
        [74] = "NVLink error: check the NVLink topology and cabling, reset the GPUs",
        [79] = "GPU has fallen off the bus: reboot the node; check power, cooling and PCIe",
        [92] = "high single-bit ECC error rate: watch the GPU, plan a reset",
        [94] = "contained ECC error: the affected application was stopped, the GPU stays usable",
        [95] = "uncontained ECC error: every application on the GPU is affected, reset the GPU",
        [119] = "GSP RPC timeout: the GPU System Processor stopped answering, reset the GPU",
    };

    /// <summary>The XIDs this catalog explains.</summary>
    public static IReadOnlyCollection<int> Known => Meanings.Keys;

    /// <summary>NVIDIA's meaning of <paramref name="xid"/>, or a pointer to NVIDIA's table for the others.</summary>
    public static string Meaning(int xid) =>
        Meanings.TryGetValue(xid, out var meaning) ? meaning : string.Create(CultureInfo.InvariantCulture, $"XID {xid}: see NVIDIA's XID error table");
}
