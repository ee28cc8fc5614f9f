using Nvsdk.Core.LockFile;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Store;

namespace Nvsdk.Core.Plan;

/// <summary>What `nvsdk plan` shows: each selected artifact, where it would come from, and whether the store has it.</summary>
public sealed record FetchPlan(SystemId System, IReadOnlyList<PlannedArtifact> Artifacts, IReadOnlyList<SkippedArtifact> Skipped)
{
    public static FetchPlan Build(Selection selection, NvsdkStore store)
    {
        var planned = selection.Artifacts
            .Select(a => new PlannedArtifact(a, store.FindArtifact(a)?.Name))
            .ToList();
        return new FetchPlan(selection.System, planned, selection.Skipped);
    }

    /// <summary>Bytes still to download, where the lock knows the sizes.</summary>
    public long? BytesToFetch =>
        Artifacts.Where(a => !a.InStore).All(a => a.Artifact.Size is not null)
            ? Artifacts.Where(a => !a.InStore).Sum(a => a.Artifact.Size!.Value)
            : null;
}

public sealed record PlannedArtifact(Artifact Artifact, string? StoreEntry)
{
    public bool InStore => StoreEntry is not null;
}
