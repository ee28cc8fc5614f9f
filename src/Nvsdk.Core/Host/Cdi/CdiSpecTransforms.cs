using System.Globalization;

namespace Nvsdk.Core.Host.Cdi;

/// <summary>
/// The last step before writing: sort and dedupe everything, so the same host always gives the same bytes.
/// Devices go by index (numerically), then by name, with "all" last; within edits, env, device nodes and mounts
/// sort by path (a later duplicate is dropped), hooks keep their order (args order matters; duplicates dropped).
/// </summary>
internal static class CdiSpecTransforms
{
    public static CdiSpec Normalize(CdiSpec spec)
    {
        var devices = spec.Devices
            .DistinctBy(d => d.Name, StringComparer.Ordinal)
            .OrderBy(DeviceRank)
            .ThenBy(d => DeviceRank(d) == 0 ? d.Name.Length : 0)
            .ThenBy(d => d.Name, StringComparer.Ordinal)
            .Select(d => d with { ContainerEdits = Normalize(d.ContainerEdits) })
            .ToList();
        return spec with { Devices = devices, ContainerEdits = Normalize(spec.ContainerEdits) };
    }

    public static CdiContainerEdits Normalize(CdiContainerEdits edits) => new(
        edits.Env.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
        edits.DeviceNodes.DistinctBy(n => n.Path, StringComparer.Ordinal).OrderBy(n => n.Path, StringComparer.Ordinal).ToList(),
        edits.Hooks.DistinctBy(h => (h.HookName, h.Path, string.Join('\0', h.Args))).ToList(),
        edits.Mounts.DistinctBy(m => m.ContainerPath, StringComparer.Ordinal).OrderBy(m => m.ContainerPath, StringComparer.Ordinal).ToList());

    /// <summary>0 for index names (then ordered by length and text, i.e. numerically), 1 for others, 2 for "all".</summary>
    private static int DeviceRank(CdiDevice device) =>
        device.Name == CdiEditsBuilder.AllDevices ? 2
        : int.TryParse(device.Name, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? 0
        : 1;
}
