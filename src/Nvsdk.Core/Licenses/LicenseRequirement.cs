using Nvsdk.Core.LockFile;

namespace Nvsdk.Core.Licenses;

/// <summary>
/// One licence and the components (name and version) that carry it, with where each keeps its text and the
/// upstream URLs: one id can come from several components (NCCL and CUTLASS are both BSD-3-Clause, with their
/// own copyright lines, files and URLs).
/// </summary>
public sealed record LicenseRequirement(LicenseInfo License, IReadOnlyList<string> Components, IReadOnlyList<string> TextSources, IReadOnlyList<string> Urls)
{
    /// <summary>Every licence of <paramref name="components"/>, one entry per id, sorted by id.</summary>
    public static IReadOnlyList<LicenseRequirement> Of(IEnumerable<Component> components) =>
        components
            .Select(c => (License: LicenseCatalog.Of(c), Component: $"{c.Id} {c.Version}", Name: c.Id.Name))
            .GroupBy(x => x.License.Id, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var members = g.OrderBy(x => x.Component, StringComparer.Ordinal).ToList();
                var texts = members.Where(x => x.License.TextInArchive is not null).Select(x => (x.Name, Text: x.License.TextInArchive!)).ToList();
                var sources = texts.Select(t => t.Text).Distinct(StringComparer.Ordinal).Count() > 1
                    ? texts.Select(t => $"{t.Name}: {t.Text}").ToList()
                    : texts.Select(t => t.Text).Distinct(StringComparer.Ordinal).ToList();
                return new LicenseRequirement(
                    members[0].License,
                    members.Select(x => x.Component).Distinct(StringComparer.Ordinal).ToList(),
                    sources,
                    members.Select(x => x.License.Url).OfType<string>().Distinct(StringComparer.Ordinal).ToList());
            })
            .ToList();
}
