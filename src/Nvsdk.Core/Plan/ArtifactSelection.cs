using Nvsdk.Core.Errors;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Plan;

/// <summary>
/// Picks the artifacts of the named components (all, when none is named) for one system, and says which
/// were left out and why. Validation happens here, before anything is fetched or written.
/// </summary>
public static class ArtifactSelection
{
    public static Selection Select(LockFile.LockFile lockFile, IReadOnlyList<string> components, SystemId system, bool allowUnpinned)
    {
        if (!lockFile.Systems.Contains(system))
        {
            throw new UsageException(
                $"the lock {lockFile.Path} has no artifacts for {system}",
                $"use --system {string.Join(" or --system ", lockFile.Systems)}");
        }

        var named = components.Count > 0;
        var chosen = named ? components.SelectMany(name => Resolve(lockFile, name)).Distinct().ToList() : lockFile.Components.ToList();
        var artifacts = new List<Artifact>();
        var skipped = new List<SkippedArtifact>();
        foreach (var component in chosen)
        {
            foreach (var artifact in component.ArtifactsFor(system))
            {
                if (!artifact.IsPinned && !allowUnpinned)
                {
                    if (named)
                    {
                        throw new UsageException(
                            $"{artifact.Label} is not pinned by sha256 ({artifact.UnpinnedReason})",
                            "pass --allow-unpinned to fetch it anyway and print its digest");
                    }

                    skipped.Add(new SkippedArtifact(artifact, "not pinned by sha256; pass --allow-unpinned to fetch it"));
                }
                else
                {
                    artifacts.Add(artifact);
                }
            }
        }

        return new Selection(system, artifacts, skipped);
    }

    /// <summary>
    /// A component by its id, else every component that provides the name: in the redistrib form CUDA is 27
    /// packages, each providing "cuda", so `nvsdk install cuda` still means the whole toolkit.
    /// </summary>
    private static IEnumerable<Component> Resolve(LockFile.LockFile lockFile, string name)
    {
        if (ComponentId.TryParse(name, out var id) && lockFile.Find(id) is { } component)
        {
            return [component];
        }

        var providers = lockFile.Components.Where(c => c.Provides.Contains(name, StringComparer.Ordinal)).ToList();
        if (providers.Count > 0)
        {
            return providers;
        }

        throw new UsageException(
            $"unknown component '{name}'",
            $"the lock has: {string.Join(", ", lockFile.Components.Select(c => c.Id))}");
    }
}

/// <summary>The artifacts to work on for one system, and those left out with the reason.</summary>
public sealed record Selection(SystemId System, IReadOnlyList<Artifact> Artifacts, IReadOnlyList<SkippedArtifact> Skipped);

public sealed record SkippedArtifact(Artifact Artifact, string Reason);
