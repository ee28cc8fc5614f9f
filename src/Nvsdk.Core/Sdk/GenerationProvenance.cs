using System.Text.Json;
using Nvsdk.Core.Licenses;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Sbom;
using Nvsdk.Core.Store;

namespace Nvsdk.Core.Sdk;

/// <summary>
/// What a staged generation says about where it came from: each component's licence texts (found under
/// share/licenses/, hashed), the licences with the acceptances it was built under (into its record), and
/// sbom.cdx.json (CycloneDX 1.6). Runs after the tree is linked, before it is sealed.
/// </summary>
internal static class GenerationProvenance
{
    public static GenerationRecord Write(
        string staging,
        GenerationRecord record,
        LockFile.LockFile lockFile,
        IReadOnlyList<(Artifact Artifact, TreeInstallResult Tree)> trees,
        GenerationInputs inputs)
    {
        var accepted = inputs.Licenses.Where(g => g.Acceptance is not null).ToDictionary(g => g.Requirement.License.Id, g => g.Acceptance!, StringComparer.Ordinal);
        var parts = trees.Select(t =>
        {
            var component = lockFile.Find(t.Artifact.Component);
            var license = component is null ? new LicenseInfo("NOASSERTION", "not in the lock", true, null, null) : LicenseCatalog.Of(component);
            return new SbomPart(t.Artifact, license, accepted.GetValueOrDefault(license.Id), t.Tree.Record.Name, t.Tree.Record.Sha256, LicenseTexts(staging, t.Artifact.Component.Name));
        }).ToList();

        var licenses = parts
            .GroupBy(p => p.License.Id, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var first = g.First();
                var texts = g.SelectMany(p => p.LicenseTexts).DistinctBy(t => t.Key).OrderBy(t => t.Key, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal);
                var components = g.Select(p => $"{p.Artifact.Component} {p.Artifact.Version}").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                return new GenerationLicense(first.License.Id, first.License.Name, first.License.Proprietary, first.License.Url, components, texts, first.Acceptance);
            })
            .ToList();
        record = record with { Licenses = licenses, CudaArchitectures = inputs.Targets?.CudaArchs };

        var bom = SbomBuilder.Build(record, parts);
        File.WriteAllBytes(Path.Combine(staging, SbomBuilder.FileName), JsonSerializer.SerializeToUtf8Bytes(bom, SbomJsonContext.Default.CycloneDxBom));
        return record;
    }

    /// <summary>share/licenses/LICENSE-&lt;component&gt;.* in the staged tree → sha256 (the generation's copies of the archive's texts).</summary>
    private static Dictionary<string, string> LicenseTexts(string staging, string component)
    {
        var dir = Path.Combine(staging, "share", "licenses");
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(dir))
        {
            return texts;
        }

        foreach (var file in Directory.EnumerateFiles(dir, $"LICENSE-{component}.*"))
        {
            texts[Path.GetRelativePath(staging, file)] = Sha256Digest.Of(File.ReadAllBytes(file)).Hex; // a licence text: kilobytes
        }

        return texts;
    }
}
