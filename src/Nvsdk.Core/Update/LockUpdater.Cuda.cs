using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Nvsdk.Core.Errors;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Update;

/// <summary>
/// CUDA: the lock pins the runfile installers, which NVIDIA lists nowhere machine-readable. Their names are
/// built from the release and the driver it bundles, and both are in the release's redistrib manifest
/// (release_label, nvidia_driver.version): cuda/redist/ → newest redistrib_&lt;major&gt;.x.y.json → the two
/// runfiles under cuda/&lt;version&gt;/local_installers/. NVIDIA publishes only an md5 for those, so each is
/// downloaded and hashed as it streams.
/// </summary>
public static partial class LockUpdater
{
    private static async Task<UpdateProposal?> CudaAsync(HttpClient http, UpdateSources sources, Component component, Task<CudaRelease> newestRelease, CancellationToken ct)
    {
        var (manifestUrl, _, release, driver, _) = await newestRelease.ConfigureAwait(false);
        if (!IsNewer(release, component.Version))
        {
            return null;
        }

        var artifacts = new List<ProposedArtifact>();
        foreach (var system in SystemId.All)
        {
            var file = CudaRunfileName(release, driver, system);
            var url = new Uri(sources.NvidiaBase, $"cuda/{release}/local_installers/{file}");
            var (digest, size) = await DigestOfAsync(http, url, $"the CUDA {release} runfile for {system}", ct).ConfigureAwait(false);
            artifacts.Add(new ProposedArtifact(system, file, url, digest, size, OldSize(component, system)));
        }

        return new UpdateProposal(component.Id.Name, component.Version, release, manifestUrl.ToString(), artifacts) { Toolkit = new ToolkitRelease(release, driver) };
    }

    /// <summary>The newest redistrib manifest of the SDK's CUDA major: its URL, folder, release, driver and bytes.</summary>
    internal sealed record CudaRelease(Uri Url, Uri Redist, string Release, string Driver, byte[] Manifest);

    /// <summary>cuda/redist/ → the newest redistrib_&lt;major&gt;.x.y.json, read once for the runfile and every redistrib package.</summary>
    private static async Task<CudaRelease> NewestCudaReleaseAsync(HttpClient http, UpdateSources sources, int major, CancellationToken ct)
    {
        var redist = new Uri(sources.NvidiaBase, "cuda/redist/");
        var index = await GetStringAsync(http, redist, ct).ConfigureAwait(false);
        // The index lists every release since 11.x; only the SDK's own major may replace its toolkit.
        var newest = IndexPage.Entries(redist, index)
            .Select(e => (e.Url, Match: CudaManifestName().Match(e.Name)))
            .Where(m => m.Match.Success)
            .Select(m => (m.Url, Version: Version.Parse(m.Match.Groups[1].Value)))
            .Where(m => m.Version.Major == major)
            .MaxBy(m => m.Version);
        if (newest.Url is null)
        {
            throw new NvsdkException(ErrorCode.InvalidInput, $"{redist}: no redistrib_{major}.x.y.json listed");
        }

        var bytes = await http.GetByteArrayAsync(newest.Url, ct).ConfigureAwait(false);
        var (release, driver) = ReadRelease(newest.Url, System.Text.Encoding.UTF8.GetString(bytes));
        if (!Version.TryParse(release, out var parsed) || parsed.Major != major)
        {
            throw new NvsdkException(ErrorCode.InvalidInput, $"{newest.Url}: release_label '{release}' is not a CUDA {major} release");
        }

        return new CudaRelease(newest.Url, redist, release, driver, bytes);
    }

    /// <summary>NVIDIA's runfile names: cuda_13.1.1_590.48.01_linux.run, and …_linux_sbsa.run for server ARM.</summary>
    internal static string CudaRunfileName(string release, string driver, SystemId system) =>
        string.Create(CultureInfo.InvariantCulture, $"cuda_{release}_{driver}_linux{(system == SystemId.Aarch64Linux ? "_sbsa" : string.Empty)}.run");

    /// <summary>The release and its driver, both checked to be dotted numbers: they become a URL path and a file name.</summary>
    private static (string Release, string Driver) ReadRelease(Uri manifest, string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var release = root.TryGetProperty("release_label", out var label) && label.ValueKind == JsonValueKind.String ? label.GetString()! : string.Empty;
        var driver = root.TryGetProperty("nvidia_driver", out var nvidia) && nvidia.ValueKind == JsonValueKind.Object
            && nvidia.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : string.Empty;
        if (!DottedNumber().IsMatch(release))
        {
            throw new NvsdkException(ErrorCode.InvalidInput, $"{manifest}: release_label: '{release}' is not a version");
        }

        if (!DottedNumber().IsMatch(driver))
        {
            throw new NvsdkException(ErrorCode.InvalidInput, $"{manifest}: nvidia_driver.version: '{driver}' is not a driver version (the runfile is named after it)");
        }

        return (release, driver);
    }

    /// <summary>Hashes one artifact by download; a failure names what was being pinned, and the update of this component stops.</summary>
    private static async Task<(Sha256Digest Sha256, long Size)> DigestOfAsync(HttpClient http, Uri url, string what, CancellationToken ct)
    {
        try
        {
            return await DownloadDigest.OfAsync(http, url, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new NvsdkException(ErrorCode.FetchFailed, $"{what}: {e.Message}", e);
        }
    }

    /// <summary>redistrib_13.1.1.json; as for cuDNN, a mirror of the index may prefix the product (cuda_redistrib_…).</summary>
    [GeneratedRegex(@"^(?:cuda_)?redistrib_(\d{1,4}(?:\.\d{1,6}){1,3})\.json$")]
    private static partial Regex CudaManifestName();

    [GeneratedRegex(@"^\d{1,6}(?:\.\d{1,6}){1,3}$")]
    private static partial Regex DottedNumber();
}
