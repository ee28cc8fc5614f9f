using Nvsdk.Core.Errors;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Update;

/// <summary>
/// CUDA as NVIDIA's redistrib packages (the shipped lock's form: cuda_nvcc, cuda_cudart, libcublas, …, one
/// component each): the newest redistrib_&lt;major&gt;.x.y.json, read once, gives every package of the lock its new
/// version, file, sha256 and size per platform. Nothing is downloaded to hash: the manifest publishes the digests.
/// Only the packages the lock holds are proposed (a user's subset stays a subset). sdk.cuda and sdk.driver move
/// to the manifest's release only when every CUDA package of the lock ends on it.
/// </summary>
public static partial class LockUpdater
{
    private static async Task<UpdateProposal?> CudaPackageAsync(Component component, Task<CudaRelease> newestRelease)
    {
        var cuda = await newestRelease.ConfigureAwait(false);
        var name = component.Id.Name;
        var packages = RedistribManifest.Parse(cuda.Url.ToString(), cuda.Manifest, n => n == name).Packages
            .Where(p => p.CudaMajor is null)
            .ToList();
        if (packages.Count == 0)
        {
            throw new NothingFits($"no update source: not a package of {cuda.Url.Segments[^1]}");
        }

        var version = packages[0].Version;
        foreach (var system in SystemId.All.Where(s => packages.All(p => p.System != s)))
        {
            throw new NvsdkException(ErrorCode.InvalidInput, $"{cuda.Url}: {name} {version} has no {system.NvidiaPlatform} archive");
        }

        if (!IsNewer(version, component.Version))
        {
            return null;
        }

        var artifacts = packages
            .Select(p => new ProposedArtifact(p.System, p.FileName, ManifestPath.Resolve(cuda.Redist, p.RelativePath, cuda.Url.ToString()), p.Sha256, p.Size, OldSize(component, p.System)))
            .ToList();
        return new UpdateProposal(name, component.Version, version, cuda.Url.ToString(), artifacts) { Toolkit = new ToolkitRelease(cuda.Release, cuda.Driver) };
    }

    /// <summary>
    /// The toolkit moves (sdk.cuda, sdk.driver) only when every CUDA package of the lock is on the new release:
    /// proposed now, or already the manifest's. Otherwise the proposals keep their packages but leave sdk alone,
    /// and say why — a lock whose sdk.cuda names a release half of its packages are not from would mislead doctor.
    /// </summary>
    private static List<UpdateProposal> SettleToolkit(IReadOnlyList<UpdateProposal> proposals, IEnumerable<string> cudaPackages, IReadOnlyList<UpdateSkip> skipped)
    {
        var moved = proposals.Where(p => p.Toolkit is not null && p.Component != "cuda").ToList();
        if (moved.Count == 0)
        {
            return [.. proposals];
        }

        var behind = cudaPackages
            .Where(n => moved.All(p => p.Component != n) && !skipped.Any(s => s.Component == n && s.Reason.EndsWith(" is the newest", StringComparison.Ordinal)))
            .ToList();
        if (behind.Count == 0)
        {
            return [.. proposals];
        }

        var release = moved[0].Toolkit!.Release;
        var note = $"sdk.cuda stays: {string.Join(", ", behind)} not moved to {release} in this run";
        return proposals.Select(p => moved.Contains(p) ? p with { Toolkit = null, Notes = [.. p.Notes, note] } : p).ToList();
    }
}
