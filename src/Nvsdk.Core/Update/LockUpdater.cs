using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Nvsdk.Core.Errors;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Update;

/// <summary>
/// `nvsdk update`: for each component, ask its source for the newest version that fits the SDK's CUDA major.
/// cuDNN and cuTENSOR: NVIDIA's redist index → newest redistrib_&lt;ver&gt;.json → the cuda&lt;major&gt; variant per
/// platform. NCCL: PyPI's JSON API for nvidia-nccl-cu&lt;major&gt; (which also fixes the seed's cu12 wheel).
/// CUDA (the runfiles, LockUpdater.Cuda.cs, or the redistrib packages, LockUpdater.CudaRedistrib.cs: every
/// component no other source claims) and TensorRT (the tars) are in their own files.
/// An unreachable or malformed source is reported for its component; the others still update.
/// </summary>
public static partial class LockUpdater
{
    private static readonly (string Component, string Product, string Package)[] Redistrib =
    [
        ("cudnn", "cudnn", "cudnn"),
        ("cutensor", "cutensor", "libcutensor"),
    ];

    public static async Task<UpdateReport> ProposeAsync(
        LockFile.LockFile lockFile, UpdateSources sources, IReadOnlyCollection<string> only, HttpMessageHandler? handler = null, CancellationToken cancellationToken = default)
    {
        // Every body read must progress (runfiles, tars and tarballs are hashed as they stream): a stalled
        // server ends that component's update, not the whole command.
        var pipeline = Http.NvsdkHttp.Pipeline(new Fetch.FetchOptions { StallTimeout = Http.StallTimeoutHandler.Default }, handler);
        using var http = new HttpClient(pipeline) { Timeout = TimeSpan.FromSeconds(60), MaxResponseContentBufferSize = 64 << 20 };
        var proposals = new List<UpdateProposal>();
        var skipped = new List<UpdateSkip>();
        var major = lockFile.CudaMajor;
        var unknown = only.Where(o => lockFile.Components.All(c => c.Id.Name != o)).ToList();
        if (unknown.Count > 0)
        {
            // Before any request: a typo must not look like "nothing to update".
            throw new UsageException(
                $"unknown component{(unknown.Count > 1 ? "s" : string.Empty)} {string.Join(", ", unknown.Select(u => $"'{u}'"))}",
                $"the lock has: {string.Join(", ", lockFile.Components.Select(c => c.Id.Name))}");
        }

        // One read of CUDA's newest manifest serves the runfile and every redistrib package (27 in the shipped lock).
        Task<CudaRelease>? cudaRelease = null;
        Task<CudaRelease> CudaRelease() => cudaRelease ??= NewestCudaReleaseAsync(http, sources, major, cancellationToken);
        var cudaPackages = lockFile.Components.Select(c => c.Id.Name).Where(IsCudaPackage).ToList();
        foreach (var component in lockFile.Components)
        {
            var name = component.Id.Name;
            if (only.Count > 0 && !only.Contains(name))
            {
                continue;
            }

            try
            {
                var proposal = name switch
                {
                    "nccl" => await NcclAsync(http, sources, component, major, cancellationToken).ConfigureAwait(false),
                    "cutlass" => await CutlassAsync(http, sources, component, cancellationToken).ConfigureAwait(false),
                    "tritonserver" => await TritonAsync(sources, component, major, cancellationToken).ConfigureAwait(false),
                    "cuda" => await CudaAsync(http, sources, component, CudaRelease(), cancellationToken).ConfigureAwait(false),
                    "tensorrt" => await TensorRtAsync(http, sources, lockFile, component, cancellationToken).ConfigureAwait(false),
                    _ when Redistrib.Any(r => r.Component == name) => await RedistribAsync(http, sources, component, Redistrib.First(r => r.Component == name), major, cancellationToken).ConfigureAwait(false),
                    _ => await CudaPackageAsync(component, CudaRelease()).ConfigureAwait(false),
                };
                if (proposal is null)
                {
                    skipped.Add(new UpdateSkip(name, $"{component.Version} is the newest"));
                }
                else
                {
                    proposals.Add(proposal);
                }
            }
            catch (Exception e) when (e is NothingFits)
            {
                skipped.Add(new UpdateSkip(name, e.Message));
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is HttpRequestException or TimeoutException or TaskCanceledException or NvsdkException or JsonException)
            {
                skipped.Add(new UpdateSkip(name, $"source failed: {Why(e)}") { SourceFailed = true });
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is InvalidOperationException or KeyNotFoundException or FormatException)
            {
                // JsonElement's getters on a value of the wrong JSON type: the source's answer, not nvsdk, is wrong.
                skipped.Add(new UpdateSkip(name, $"source failed: its answer has an unexpected shape ({e.Message})") { SourceFailed = true });
            }
        }

        // Ctrl-C or SIGTERM part-way: what was collected so far must not be written as if it were the answer.
        cancellationToken.ThrowIfCancellationRequested();
        return new UpdateReport(SettleToolkit(proposals, cudaPackages, skipped), skipped);
    }

    /// <summary>Components no other source claims are looked up as packages of CUDA's redistrib manifest.</summary>
    private static bool IsCudaPackage(string name) =>
        name is not ("nccl" or "cutlass" or "tritonserver" or "cuda" or "tensorrt") && Redistrib.All(r => r.Component != name);

    private static async Task<UpdateProposal?> RedistribAsync(HttpClient http, UpdateSources sources, Component component, (string Component, string Product, string Package) what, int major, CancellationToken ct)
    {
        var redist = new Uri(sources.NvidiaBase, $"{what.Product}/redist/");
        var index = await GetStringAsync(http, redist, ct).ConfigureAwait(false);
        var manifests = ManifestLinks().Matches(index)
            .Select(m => (File: m.Groups[0].Value, Version: m.Groups[1].Value))
            .Distinct()
            .OrderByDescending(v => Version.TryParse(v.Version, out var parsed) ? parsed : new Version(0, 0))
            .ToList();
        if (manifests.Count == 0)
        {
            throw new NvsdkException(ErrorCode.InvalidInput, $"{redist}: no redistrib_<version>.json listed");
        }

        // The newest manifest that is readable, lists both systems and has a build for the lock's CUDA major;
        // each newer one passed over is named, with why, in the proposal's notes.
        var passedOver = new List<string>();
        foreach (var manifest in manifests)
        {
            var manifestUrl = new Uri(redist, manifest.File);
            IReadOnlyList<RedistribPackage> packages;
            try
            {
                packages = await RedistribPackagesAsync(http, manifestUrl, redist, what.Package, major, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is NvsdkException or HttpRequestException or TimeoutException)
            {
                passedOver.Add($"{manifest.File} passed over: {Why(e)}");
                continue;
            }

            var version = packages[0].Version;
            if (!IsNewer(version, component.Version))
            {
                return null;
            }

            var artifacts = packages.Select(p => new ProposedArtifact(p.System, p.FileName, ManifestPath.Resolve(redist, p.RelativePath, manifestUrl.ToString()), p.Sha256, p.Size, OldSize(component, p.System))).ToList();
            return new UpdateProposal(component.Id.Name, component.Version, version, manifestUrl.ToString(), artifacts) { Notes = passedOver };
        }

        throw new NvsdkException(ErrorCode.InvalidInput, $"{redist}: no manifest fits: {string.Join("; ", passedOver)}");
    }

    /// <summary>One manifest's builds of <paramref name="package"/> for CUDA <paramref name="major"/>, one per system, or why not.</summary>
    private static async Task<IReadOnlyList<RedistribPackage>> RedistribPackagesAsync(HttpClient http, Uri manifestUrl, Uri redist, string package, int major, CancellationToken ct)
    {
        var bytes = await http.GetByteArrayAsync(manifestUrl, ct).ConfigureAwait(false);
        var packages = RedistribManifest.Parse(manifestUrl.ToString(), bytes, name => name == package).Packages
            .Where(p => p.Name == package && p.CudaMajor == major)
            .ToList();
        var version = packages.FirstOrDefault()?.Version ?? throw new NvsdkException(ErrorCode.InvalidInput, $"{manifestUrl}: no {package} build for CUDA {major}");
        foreach (var system in SystemId.All.Where(s => packages.All(p => p.System != s)))
        {
            throw new NvsdkException(ErrorCode.InvalidInput, $"{manifestUrl}: {package} {version} has no {system.NvidiaPlatform} archive for CUDA {major}");
        }

        foreach (var p in packages)
        {
            ManifestPath.Resolve(redist, p.RelativePath, manifestUrl.ToString());
        }

        return packages;
    }

    private static async Task<UpdateProposal?> NcclAsync(HttpClient http, UpdateSources sources, Component component, int major, CancellationToken ct)
    {
        var project = $"nvidia-nccl-cu{major}";
        var url = new Uri(sources.PyPiBase, $"pypi/{project}/json");
        using var json = JsonDocument.Parse(await GetStringAsync(http, url, ct).ConfigureAwait(false));
        var version = json.RootElement.GetProperty("info").GetProperty("version").GetString()
            ?? throw new NvsdkException(ErrorCode.InvalidInput, $"{url}: no info.version");
        var sameWheel = component.CudaMajor == major;
        if (sameWheel && !IsNewer(version, component.Version))
        {
            return null;
        }

        var artifacts = new List<ProposedArtifact>();
        foreach (var file in json.RootElement.GetProperty("urls").EnumerateArray())
        {
            var name = file.GetProperty("filename").GetString() ?? string.Empty;
            SystemId? system = name.EndsWith("_x86_64.whl", StringComparison.Ordinal) ? SystemId.X86_64Linux
                : name.EndsWith("_aarch64.whl", StringComparison.Ordinal) ? SystemId.Aarch64Linux
                : null;
            if (system is null || file.GetProperty("packagetype").GetString() != "bdist_wheel")
            {
                continue;
            }

            var digest = Sha256Digest.Parse(file.GetProperty("digests").GetProperty("sha256").GetString()!);
            artifacts.Add(new ProposedArtifact(system.Value, name, new Uri(file.GetProperty("url").GetString()!), digest, file.GetProperty("size").GetInt64(), OldSize(component, system.Value)));
        }

        foreach (var system in SystemId.All.Where(s => artifacts.All(a => a.System != s)))
        {
            throw new NvsdkException(ErrorCode.InvalidInput, $"{url}: {project} {version} has no manylinux wheel for {system}");
        }

        return new UpdateProposal(component.Id.Name, component.Version + (sameWheel ? string.Empty : $" (cu{component.CudaMajor})"), version, url.ToString(), artifacts);
    }

    /// <summary>
    /// CUTLASS: the latest GitHub release's tag tarball, downloaded and hashed (GitHub publishes no digest;
    /// this is what pins CUTLASS, which the seed could not). The tarball serves both systems.
    /// </summary>
    private static async Task<UpdateProposal?> CutlassAsync(HttpClient http, UpdateSources sources, Component component, CancellationToken ct)
    {
        var api = new Uri(sources.GitHubApiBase, "repos/NVIDIA/cutlass/releases/latest");
        using var json = JsonDocument.Parse(await GetStringAsync(http, api, ct).ConfigureAwait(false));
        var tag = json.RootElement.GetProperty("tag_name").GetString() ?? throw new NvsdkException(ErrorCode.InvalidInput, $"{api}: no tag_name");
        var version = tag.TrimStart('v');
        var pinned = component.Artifacts.All(a => a.IsPinned);
        if (pinned && !IsNewer(version, component.Version))
        {
            return null;
        }

        var url = new Uri(sources.GitHubBase, $"NVIDIA/cutlass/archive/refs/tags/{tag}.tar.gz");
        var (digest, size) = await DownloadDigest.OfAsync(http, url, ct).ConfigureAwait(false);
        var file = $"cutlass-{version}.tar.gz";
        var artifacts = SystemId.All.Select(s => new ProposedArtifact(s, file, url, digest, size, OldSize(component, s))).ToList();
        return new UpdateProposal(component.Id.Name, component.Version + (pinned ? string.Empty : " (unpinned)"), version, api.ToString(), artifacts);
    }

    private static async Task<string> GetStringAsync(HttpClient http, Uri url, CancellationToken ct)
    {
        using var response = await http.GetAsync(url, ct).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"{url}: HTTP {(int)response.StatusCode}", null, response.StatusCode);
        }

        return await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The message that says what happened: a stall inside HttpClient's "error while copying content" wrapper.</summary>
    private static string Why(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is TimeoutException)
            {
                return inner.Message;
            }
        }

        return e.Message;
    }

    private static long? OldSize(Component component, SystemId system) => component.ArtifactsFor(system).FirstOrDefault()?.Size;

    private static bool IsNewer(string candidate, string current) =>
        Version.TryParse(candidate, out var a) && Version.TryParse(current, out var b) ? a > b : string.CompareOrdinal(candidate, current) > 0;

    /// <summary>NVIDIA lists redistrib_9.20.0.json; some mirrors prefix the product (cudnn_redistrib_…).</summary>
    [GeneratedRegex(@"(?<=href="")(?:[a-z]+_)?redistrib_(\d+(?:\.\d+)+)\.json")]
    private static partial Regex ManifestLinks();

}
