using System.Globalization;

namespace Nvsdk.Core.Sbom;

/// <summary>
/// SPDX 2.3 from a generation's CycloneDX BOM: the SDK as the described package, which CONTAINS one package per
/// artifact (checksum, download location, declared licence, purl). A proprietary licence has no SPDX id, so it
/// is a LicenseRef- with its name and upstream URL in hasExtractedLicensingInfos, as SPDX asks.
/// </summary>
public static class SpdxConverter
{
    private const string SdkId = "SPDXRef-SDK";

    public static SpdxDocument Convert(CycloneDxBom bom)
    {
        var packages = new List<SpdxPackage>();
        var licenses = new SortedDictionary<string, SpdxExtractedLicense>(StringComparer.Ordinal);
        var sdk = bom.Metadata.Component;
        packages.Add(new SpdxPackage
        {
            SpdxId = SdkId,
            Name = sdk.Name,
            VersionInfo = sdk.Version,
            Supplier = Supplier(sdk),
            DownloadLocation = "NOASSERTION",
            LicenseDeclared = "NOASSERTION",
            PrimaryPackagePurpose = "PLATFORM",
        });
        var index = 0;
        foreach (var component in bom.Components)
        {
            index++;
            var license = component.Licenses?.FirstOrDefault()?.License;
            var id = Property(component, "nvsdk:license-id");
            string declared;
            if (license?.Id is { } spdx)
            {
                declared = spdx;
            }
            else if (license is not null && id is not null)
            {
                declared = "LicenseRef-" + id;
                licenses.TryAdd(declared, new SpdxExtractedLicense(declared, license.Name ?? id, $"{license.Name}: see {license.Url ?? "the component's archive"}", license.Url is { } url ? [url] : null));
            }
            else
            {
                declared = "NOASSERTION";
            }

            packages.Add(new SpdxPackage
            {
                SpdxId = $"SPDXRef-Package-{index.ToString(CultureInfo.InvariantCulture)}-{Safe(component.Name)}",
                Name = component.Name,
                VersionInfo = component.Version,
                PackageFileName = Property(component, "nvsdk:artifact"),
                Supplier = Supplier(component),
                DownloadLocation = component.ExternalReferences?.FirstOrDefault(r => r.Type == "distribution")?.Url ?? "NOASSERTION",
                Checksums = component.Hashes?.Select(h => new SpdxChecksum(h.Alg.Replace("-", string.Empty, StringComparison.Ordinal), h.Content)).ToList(),
                LicenseDeclared = declared,
                PrimaryPackagePurpose = component.Type == "container" ? "CONTAINER" : "LIBRARY",
                ExternalRefs = component.Purl is { } purl ? [new SpdxExternalRef("PACKAGE-MANAGER", "purl", purl)] : null,
            });
        }

        var relationships = new List<SpdxRelationship> { new("SPDXRef-DOCUMENT", "DESCRIBES", SdkId) };
        relationships.AddRange(packages.Skip(1).Select(p => new SpdxRelationship(SdkId, "CONTAINS", p.SpdxId)));
        var tool = bom.Metadata.Tools.Components.FirstOrDefault();
        return new SpdxDocument
        {
            Name = $"{sdk.Name}-{sdk.Version}-{Property(bom.Metadata, "nvsdk:system")}-generation-{Property(bom.Metadata, "nvsdk:generation")}",
            DocumentNamespace = $"https://nvsdk.invalid/spdx/{bom.SerialNumber.Replace("urn:uuid:", string.Empty, StringComparison.Ordinal)}",
            CreationInfo = new SpdxCreationInfo(
                bom.Metadata.Timestamp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                [$"Tool: {tool?.Name ?? "nvsdk"}-{tool?.Version ?? "unknown"}"]),
            DocumentDescribes = [SdkId],
            Packages = packages,
            HasExtractedLicensingInfos = licenses.Count == 0 ? null : licenses.Values.ToList(),
            Relationships = relationships,
        };
    }

    private static string? Supplier(CdxComponent component) => component.Supplier is { } s ? $"Organization: {s.Name}" : null;

    private static string? Property(CdxComponent component, string name) => component.Properties?.FirstOrDefault(p => p.Name == name)?.Value;

    private static string? Property(CdxMetadata metadata, string name) => metadata.Properties?.FirstOrDefault(p => p.Name == name)?.Value;

    /// <summary>SPDX ids allow letters, digits, '.' and '-'.</summary>
    private static string Safe(string name) => new(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '-').ToArray());
}
