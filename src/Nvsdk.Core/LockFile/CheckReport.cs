using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.LockFile;

/// <summary>What `check` found: the parsed lock (if it parsed) and every diagnostic.</summary>
public sealed record CheckReport(
    string Path,
    LockFile? LockFile,
    IReadOnlyList<SystemId> Systems,
    IReadOnlyList<LockDiagnostic> Diagnostics)
{
    public int ErrorCount => Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);

    public int WarningCount => Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Warning);

    public bool Passed => ErrorCount == 0;

    public IEnumerable<Artifact> UnpinnedArtifacts =>
        LockFile?.Components.SelectMany(c => c.Artifacts).Where(a => !a.IsPinned) ?? [];
}
