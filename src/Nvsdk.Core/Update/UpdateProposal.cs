using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Update;

/// <summary>A newer version of one component, with its artifact per system, ready to go into the lock.</summary>
public sealed record UpdateProposal(string Component, string OldVersion, string NewVersion, string Source, IReadOnlyList<ProposedArtifact> Artifacts)
{
    /// <summary>What the reader should know about the choice: newer releases passed over, and why.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>The CUDA release (and the driver it wants) this proposal moves the SDK to: sdk.cuda and sdk.driver follow it.</summary>
    public ToolkitRelease? Toolkit { get; init; }
}

/// <summary>A CUDA toolkit release and the driver its manifest names (nvidia_driver.version): doctor's floor.</summary>
public sealed record ToolkitRelease(string Release, string Driver);

public sealed record ProposedArtifact(SystemId System, string FileName, Uri Url, Sha256Digest Sha256, long Size, long? OldSize);

/// <summary>Why a component was left as it is (up to date, source unreachable, not supported yet).</summary>
public sealed record UpdateSkip(string Component, string Reason)
{
    /// <summary>The component's source could not be read (unreachable, malformed): its answer is unknown, not "no update".</summary>
    public bool SourceFailed { get; init; }
}

public sealed record UpdateReport(IReadOnlyList<UpdateProposal> Proposals, IReadOnlyList<UpdateSkip> Skipped);
