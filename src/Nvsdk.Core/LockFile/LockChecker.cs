using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.LockFile;

/// <summary>
/// The offline checks of `nvsdk check`: everything that can be known about a lock file without a network.
/// Structural problems come from <see cref="LockFileParser"/>; this adds the rules that span entries.
/// </summary>
public static class LockChecker
{
    /// <summary>The components an SDK lock must have: the seed's seven.</summary>
    public static IReadOnlyList<string> ExpectedComponents { get; } =
        ["cuda", "cudnn", "nccl", "tensorrt", "cutensor", "cutlass", "tritonserver"];

    public static CheckReport Check(string path, ReadOnlyMemory<byte> utf8, IReadOnlyList<SystemId> systems)
    {
        var (lockFile, parseDiagnostics) = LockFileParser.Parse(path, utf8);
        var diagnostics = new List<LockDiagnostic>(parseDiagnostics);
        if (lockFile is not null)
        {
            diagnostics.AddRange(CheckSemantics(lockFile, systems));
        }

        return new CheckReport(path, lockFile, systems, diagnostics);
    }

    public static IEnumerable<LockDiagnostic> CheckSemantics(LockFile lockFile, IReadOnlyList<SystemId> systems)
    {
        foreach (var system in systems.Where(s => !lockFile.Systems.Contains(s)))
        {
            yield return Error("coverage", "$.systems", $"{system} is not listed; add it and its artifacts, or check another --system");
        }

        if (lockFile.Systems.Distinct().Count() != lockFile.Systems.Count)
        {
            yield return Error("duplicate", "$.systems", "a system is listed twice");
        }

        foreach (var d in CheckComponentNames(lockFile))
        {
            yield return d;
        }

        var seenUrls = new Dictionary<string, string>(StringComparer.Ordinal);
        var seenDigests = new Dictionary<Sha256Digest, string>();
        foreach (var component in lockFile.Components)
        {
            foreach (var system in systems.Where(s => !component.ArtifactsFor(s).Any()))
            {
                yield return Error("coverage", component.JsonPath, $"{component.Id} has no artifact for {system}");
            }

            if (component.CudaMajor is { } major && major != lockFile.CudaMajor)
            {
                yield return Warning(
                    "cuda-major",
                    $"{component.JsonPath}.cudaMajor",
                    $"{component.Id} {component.Version} is built for CUDA {major} but the SDK pins CUDA {lockFile.CudaVersion}; pin the CUDA {lockFile.CudaMajor} build");
            }

            foreach (var d in CheckArtifacts(component, seenUrls, seenDigests))
            {
                yield return d;
            }
        }
    }

    private static IEnumerable<LockDiagnostic> CheckComponentNames(LockFile lockFile)
    {
        var names = new HashSet<ComponentId>();
        foreach (var component in lockFile.Components)
        {
            if (!names.Add(component.Id))
            {
                yield return Error("duplicate", component.JsonPath, $"component {component.Id} is listed twice");
            }
        }

        foreach (var expected in ExpectedComponents.Where(e => !Covered(names, e)))
        {
            yield return Warning("coverage", "$.components", $"no {expected} component: the SDK will be built without it");
        }
    }

    /// <summary>The toolkit comes as one `cuda` runfile component or as NVIDIA's redistrib packages (cuda_nvcc, cuda_cudart, …).</summary>
    private static bool Covered(HashSet<ComponentId> names, string expected) =>
        names.Contains(ComponentId.Parse(expected))
        || (expected == "cuda" && names.Any(n => n.ToString().StartsWith("cuda_", StringComparison.Ordinal)));

    private static IEnumerable<LockDiagnostic> CheckArtifacts(
        Component component, Dictionary<string, string> seenUrls, Dictionary<Sha256Digest, string> seenDigests)
    {
        var filesBySystem = new HashSet<(SystemId, string)>();
        foreach (var artifact in component.Artifacts)
        {
            foreach (var system in artifact.Systems)
            {
                if (!filesBySystem.Add((system, artifact.FileName)))
                {
                    yield return Error("duplicate", artifact.JsonPath, $"{artifact.FileName} is listed twice for {system}");
                }
            }

            if (artifact.Systems.Distinct().Count() != artifact.Systems.Count)
            {
                yield return Error("duplicate", $"{artifact.JsonPath}.systems", "a system is listed twice");
            }

            if (artifact.Sha256 is { } digest && !seenDigests.TryAdd(digest, artifact.JsonPath))
            {
                yield return Error("duplicate", $"{artifact.JsonPath}.sha256", $"the same digest is pinned at {seenDigests[digest]}");
            }

            if (!artifact.IsPinned)
            {
                yield return Warning("unpinned", artifact.JsonPath, $"{artifact.Label} is not pinned: {artifact.UnpinnedReason}");
            }

            foreach (var d in CheckSources(artifact, seenUrls))
            {
                yield return d;
            }

            foreach (var d in CheckFileName(artifact))
            {
                yield return d;
            }
        }
    }

    private static IEnumerable<LockDiagnostic> CheckSources(Artifact artifact, Dictionary<string, string> seenUrls)
    {
        var sawUpstream = false;
        for (var i = 0; i < artifact.Sources.Count; i++)
        {
            var source = artifact.Sources[i];
            var path = $"{artifact.JsonPath}.sources[{i}]";
            if (source.Role == SourceRole.Upstream)
            {
                sawUpstream = true;
            }
            else if (sawUpstream)
            {
                yield return Error("mirror-order", path, "a mirror is listed after an upstream source; list mirrors first");
            }

            var isImage = artifact.Format == ArtifactFormat.OciImage;
            if (isImage != (source.Url.Scheme == "docker"))
            {
                yield return Error("url", $"{path}.url", isImage
                    ? "an oci-image source must be a docker://registry/repository:tag reference"
                    : "an archive source must be an https://, http:// or file:// URL");
            }
            else if (!isImage && !UrlNamesFile(source.Url, artifact.FileName))
            {
                yield return Error("url", $"{path}.url", $"the URL does not end in the artifact's file name {artifact.FileName}");
            }
            else if (isImage && ImageUrlProblem(source.Url, artifact) is { } problem)
            {
                yield return Error("url", $"{path}.url", problem);
            }

            if (source.Url.Scheme == "http" && !source.Url.IsLoopback)
            {
                yield return Warning("url", $"{path}.url", "plain http: the digest still protects the content, but prefer https");
            }

            if (!seenUrls.TryAdd(source.Url.AbsoluteUri, path))
            {
                yield return Error("duplicate", $"{path}.url", $"the same URL is listed at {seenUrls[source.Url.AbsoluteUri]}");
            }
        }
    }

    /// <summary>
    /// An image source must be a valid reference, and a digest it names must be the one the lock pins (the
    /// platform manifest's), or the pin and the source disagree about what is installed.
    /// </summary>
    private static string? ImageUrlProblem(Uri url, Artifact artifact)
    {
        if (!Oci.Registry.ImageReference.TryParse(url.OriginalString, out var reference, out var problem))
        {
            return $"not an image reference: {problem}";
        }

        return reference.Digest is { } named && artifact.Sha256 is { } pinned && named != pinned
            ? $"the reference names sha256:{named.Hex} but the artifact pins sha256:{pinned.Hex}"
            : null;
    }

    /// <summary>
    /// A download URL must end in the artifact's file name, so a copy-paste slip (the aarch64 URL on the x86_64
    /// entry) is caught offline. A GitHub tag archive (/&lt;owner&gt;/&lt;repo&gt;/archive/refs/tags/v4.3.3.tar.gz) is
    /// downloaded as &lt;repo&gt;-4.3.3.tar.gz, so that is the name it must carry (on github.com, or a GitHub
    /// Enterprise or mirror host with the same layout).
    /// </summary>
    private static bool UrlNamesFile(Uri url, string fileName)
    {
        if (url.AbsolutePath.EndsWith("/" + fileName, StringComparison.Ordinal))
        {
            return true;
        }

        var parts = url.AbsolutePath.Trim('/').Split('/');
        if (url.Host == "github.com" && url.AbsolutePath.Contains("/archive/refs/tags/", StringComparison.Ordinal))
        {
            return true;
        }

        // Elsewhere (a mirror under a prefix, GitHub Enterprise) the layout must also match the name.
        return parts.Length >= 6 && parts[^6..] is [_, var repo, "archive", "refs", "tags", var tag]
            && tag.EndsWith(".tar.gz", StringComparison.Ordinal)
            && fileName == $"{repo}-{tag[..^".tar.gz".Length].TrimStart('v')}.tar.gz";
    }

    private static IEnumerable<LockDiagnostic> CheckFileName(Artifact artifact)
    {
        string[] endings = artifact.Format switch
        {
            ArtifactFormat.TarXz => [".tar.xz"],
            ArtifactFormat.TarGz => [".tar.gz", ".tgz"],
            ArtifactFormat.Wheel => [".whl"],
            ArtifactFormat.Zip => [".zip"],
            ArtifactFormat.Makeself => [".run"],
            _ => [],
        };
        if (endings.Length > 0 && !endings.Any(e => artifact.FileName.EndsWith(e, StringComparison.Ordinal)))
        {
            yield return Error("format", $"{artifact.JsonPath}.file", $"format {artifact.Format.ToLockName()} expects a file ending in {string.Join(" or ", endings)}");
        }
    }

    private static LockDiagnostic Error(string code, string path, string message) =>
        new(DiagnosticSeverity.Error, code, path, message);

    private static LockDiagnostic Warning(string code, string path, string message) =>
        new(DiagnosticSeverity.Warning, code, path, message);
}
