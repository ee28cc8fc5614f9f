using System.Globalization;
using System.Net;
using Nvsdk.Core.Errors;
using Nvsdk.Core.LockFile;

namespace Nvsdk.Core.Update;

/// <summary>
/// TensorRT: machine-learning/tensorrt/ lists one folder per release (10.15.1/); each release's tars/ lists
/// the Linux tarballs per architecture and CUDA minor. Folders are tried newest first (by number: 10.15.1 is
/// newer than 10.9.0) until one has a build for the SDK's CUDA major on both systems; a folder passed over is
/// noted with its reason. NVIDIA publishes no sha256 for the tars, so the chosen pair is hashed by download.
/// </summary>
public static partial class LockUpdater
{
    private static async Task<UpdateProposal?> TensorRtAsync(HttpClient http, UpdateSources sources, LockFile.LockFile lockFile, Component component, CancellationToken ct)
    {
        var root = new Uri(sources.NvidiaBase, "machine-learning/tensorrt/");
        var major = lockFile.CudaMajor;
        var minor = SdkCudaMinor(lockFile);
        Version.TryParse(component.Version, out var current);
        var folders = IndexPage.Entries(root, await GetStringAsync(http, root, ct).ConfigureAwait(false))
            .Where(e => e.IsFolder && Version.TryParse(e.Name.TrimEnd('/'), out _))
            .Select(e => (Version: Version.Parse(e.Name.TrimEnd('/')), e.Url))
            .OrderByDescending(f => f.Version)
            .ToList();
        if (folders.Count == 0)
        {
            throw new NvsdkException(ErrorCode.InvalidInput, $"{root}: no release folders (like 10.15.1/) listed");
        }

        var passedOver = new List<string>();
        foreach (var folder in folders)
        {
            // Past the pinned release's own folder nothing newer can be found.
            if (current is not null && IsOlderRelease(folder.Version, current))
            {
                break;
            }

            var tarsPage = new Uri(folder.Url, "tars/");
            string html;
            try
            {
                html = await GetStringAsync(http, tarsPage, ct).ConfigureAwait(false);
            }
            catch (HttpRequestException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                passedOver.Add($"{folder.Version}: no tars/ folder");
                continue;
            }

            var entries = IndexPage.Entries(tarsPage, html).Where(e => !e.IsFolder).ToList();
            var tars = entries.Select(e => TensorRtTar.TryParse(e.Name, out var t) ? t : (TensorRtTar?)null).OfType<TensorRtTar>().ToList();
            if (TensorRtChoice.Choose(tars, major, minor, out var reason) is not { } choice)
            {
                passedOver.Add($"{folder.Version}: {reason}");
                continue;
            }

            var version = choice.Version.ToString();
            if (!IsNewer(version, component.Version))
            {
                return passedOver.Count == 0
                    ? null
                    : throw new NothingFits($"{component.Version} is the newest with tars for CUDA {major} on both systems (passed over {string.Join("; ", passedOver)})");
            }

            var artifacts = new List<ProposedArtifact>();
            foreach (var tar in choice.Tars)
            {
                var url = entries.First(e => e.Name == tar.FileName).Url;
                var (digest, size) = await DigestOfAsync(http, url, $"the TensorRT {version} tar for {tar.System}", ct).ConfigureAwait(false);
                artifacts.Add(new ProposedArtifact(tar.System, tar.FileName, url, digest, size, OldSize(component, tar.System)));
            }

            return new UpdateProposal(component.Id.Name, component.Version, version, tarsPage.ToString(), artifacts) { Notes = passedOver.Select(p => $"passed over {p}").ToList() };
        }

        throw new NothingFits(passedOver.Count == 0
            ? $"no TensorRT release at {root} has tars for CUDA {major} on both systems"
            : $"no TensorRT release newer than {component.Version} has tars for CUDA {major} on both systems ({string.Join("; ", passedOver)})");
    }

    /// <summary>
    /// The CUDA minor TensorRT's tars must fit: the lock's cuda component (the toolkit actually installed), else
    /// sdk.cuda.
    /// </summary>
    private static int SdkCudaMinor(LockFile.LockFile lockFile)
    {
        var cuda = lockFile.Components.FirstOrDefault(c => c.Id.Name == "cuda")?.Version ?? lockFile.CudaVersion;
        var parts = cuda.Split('.');
        return parts.Length > 1 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor) ? minor : 0;
    }

    /// <summary>Whether a release folder (10.14.1) is older than every build the pinned version (10.15.1.29) could be.</summary>
    private static bool IsOlderRelease(Version folder, Version current)
    {
        int[] f = [folder.Major, folder.Minor, folder.Build, folder.Revision];
        int[] c = [current.Major, current.Minor, current.Build, current.Revision];
        for (var i = 0; i < f.Length && f[i] >= 0; i++)
        {
            if (f[i] != c[i])
            {
                return f[i] < c[i];
            }
        }

        return false;
    }

    /// <summary>The source was read, but no version of this component fits the SDK; the message says why.</summary>
    private sealed class NothingFits(string message) : Exception(message);
}
