using Nvsdk.Core.Gpu.Doctor;

namespace Nvsdk.Core.Host;

public enum ChangeKind
{
    Create,
    Modify,
    Remove,
    Restore,
}

/// <summary>One file `apply` would write, delete or put back, with a unified diff.</summary>
public sealed record FileChange(string Path, ChangeKind Kind, string? Before, string? After, string Mode, string Reason)
{
    public string Diff => UnifiedDiff.Create(Path, Before, After);
}

/// <summary>What `host apply` would do; empty when the host already matches host.toml.</summary>
public sealed record HostPlan(
    HostDesired Desired,
    IReadOnlyList<FileChange> Changes,
    IReadOnlyList<PackageAction> PackagesToInstall,
    IReadOnlyList<Finding> Findings,
    int CurrentGeneration)
{
    public bool HasChanges => Changes.Count > 0 || PackagesToInstall.Any(p => p.Available == true);

    /// <summary>Commands apply runs after writing, on a live root only (systemctl daemon-reload, enable --now).</summary>
    public IReadOnlyList<string[]> Commands { get; init; } = [];

    /// <summary>What apply leaves to the user, e.g. restarting dockerd, or under --root the systemd commands for that system.</summary>
    public IReadOnlyList<string> AfterApply { get; init; } = [];
}
