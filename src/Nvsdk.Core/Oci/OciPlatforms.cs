using Nvsdk.Core.Errors;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Oci;

/// <summary>Platform names and the choice of one entry of an image index.</summary>
public static class OciPlatforms
{
    public static readonly OciPlatform Amd64 = new() { Os = "linux", Architecture = "amd64" };

    public static readonly OciPlatform Arm64 = new() { Os = "linux", Architecture = "arm64" };

    /// <summary>The platform of the machine we run on.</summary>
    public static OciPlatform Default =>
        System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? Arm64 : Amd64;

    /// <summary>The lock's systems in OCI's spelling.</summary>
    public static OciPlatform For(SystemId system) => system == SystemId.Aarch64Linux ? Arm64 : Amd64;

    /// <summary>Parses "linux/amd64", "linux/arm64", "linux/arm64/v8".</summary>
    public static OciPlatform Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length is < 2 or > 3 || parts.Any(p => p.Length == 0))
        {
            throw new UsageException($"'{text}' is not a platform; write os/architecture[/variant], for example linux/amd64 or linux/arm64");
        }

        return new OciPlatform { Os = parts[0], Architecture = parts[1], Variant = parts.Length == 3 ? parts[2] : null };
    }

    /// <summary>arm64 images usually say variant v8 or nothing; both mean the same machine.</summary>
    public static bool Matches(OciPlatform actual, OciPlatform wanted) =>
        actual.Os == wanted.Os
        && actual.Architecture == wanted.Architecture
        && (wanted.Variant is null || NormalVariant(actual) == NormalVariant(wanted));

    public static OciDescriptor? Select(IEnumerable<OciDescriptor> manifests, OciPlatform wanted) =>
        manifests.Where(m => m.Platform is { } p && OciMediaTypes.IsManifest(m.MediaType) && Matches(p, wanted))
            .OrderBy(m => NormalVariant(m.Platform!) == NormalVariant(wanted) ? 0 : 1)
            .FirstOrDefault();

    /// <summary>The platforms an index offers, leaving out attestation entries (unknown/unknown).</summary>
    public static IEnumerable<string> Listed(IEnumerable<OciDescriptor> manifests) =>
        manifests.Select(m => m.Platform).OfType<OciPlatform>().Where(p => p.Os != "unknown").Select(p => p.ToString()).Distinct();

    private static string? NormalVariant(OciPlatform p) => p.Architecture == "arm64" ? p.Variant ?? "v8" : p.Variant;
}
