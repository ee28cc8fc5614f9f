using System.Globalization;
using System.Text.RegularExpressions;
using Nvsdk.Core.Gpu.Host;
using Nvsdk.Core.Gpu.Nvml;

namespace Nvsdk.Core.Gpu.Doctor;

/// <summary>
/// `gpu.xid`: XID errors the driver logged since it loaded (`NVRM: Xid (PCI:0000:3b:00): 79, pid=…`), one
/// line per XID number with how often, on which GPUs, and NVIDIA's meaning. A warning, not a failure: an
/// XID 13 or 31 is usually one application's bug, and the GPU may be fine now.
/// </summary>
public static partial class XidChecks
{
    public const string Id = "gpu.xid";

    public static IEnumerable<Finding> Run(HostSnapshot host)
    {
        if (host.KernelNvrmLog is not { } log)
        {
            yield return Finding.Skip(Id, "kernel log not readable (no /dev/kmsg access, no /var/log/kern.log or messages): XIDs not checked");
            yield break;
        }

        var xids = Parse(log);
        if (xids.Count == 0)
        {
            yield return Finding.Ok(Id, "no XID errors in the kernel log since the driver loaded");
            yield break;
        }

        foreach (var group in xids.GroupBy(x => x.Xid).OrderBy(g => g.Key))
        {
            var gpus = string.Join(", ", group.Select(x => x.Pci).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
            yield return Finding.Warn(
                Id,
                string.Create(CultureInfo.InvariantCulture, $"XID {group.Key} logged {group.Count()} time(s) on {gpus}: {XidCatalog.Meaning(group.Key)}"),
                "see NVIDIA's XID error table; if it recurs, drain the node and reset the GPU");
        }
    }

    /// <summary>The XIDs in NVRM lines, in order.</summary>
    public static IReadOnlyList<(string Pci, int Xid)> Parse(IEnumerable<string> lines) =>
        [.. lines.Select(l => XidLine().Match(l)).Where(m => m.Success)
            .Select(m => (m.Groups["pci"].Value, int.Parse(m.Groups["xid"].Value, CultureInfo.InvariantCulture)))];

    [GeneratedRegex(@"NVRM: Xid \((?:PCI:)?(?<pci>[0-9a-fA-F:.]+)\): (?<xid>\d{1,4})\b")]
    private static partial Regex XidLine();
}
