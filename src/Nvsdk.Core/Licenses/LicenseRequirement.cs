using Nvsdk.Core.LockFile;

namespace Nvsdk.Core.Licenses;

/// <summary>One licence and the components (name and version) that carry it.</summary>
public sealed record LicenseRequirement(LicenseInfo License, IReadOnlyList<string> Components)
{
    /// <summary>Every licence of <paramref name="components"/>, one entry per id, sorted by id.</summary>
    public static IReadOnlyList<LicenseRequirement> Of(IEnumerable<Component> components) =>
        components
            .Select(c => (License: LicenseCatalog.Of(c), Component: $"{c.Id} {c.Version}"))
            .GroupBy(x => x.License.Id, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new LicenseRequirement(g.First().License, g.Select(x => x.Component).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList()))
            .ToList();
}
