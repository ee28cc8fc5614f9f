namespace Nvsdk.Cli.Output;

// The --json shapes. They are built from the same models as the text output, so the two never disagree.

internal sealed record JsonError(JsonErrorBody Error);

internal sealed record JsonErrorBody(string Code, string Message, string? Hint, int ExitCode);

internal sealed record JsonSource(string Url, string Role);

internal sealed record JsonDiagnostic(string Severity, string Code, string Path, string Message);

internal sealed record JsonUnpinned(string Component, string Version, string File, string? Reason);

internal sealed record JsonFullCheck(string Component, string File, string System, bool Ok, string? Sha256, string? Error);

internal sealed record JsonCheck(
    string Lock,
    IReadOnlyList<string> Systems,
    bool Passed,
    int Errors,
    int Warnings,
    IReadOnlyList<JsonDiagnostic> Diagnostics,
    IReadOnlyList<JsonUnpinned> Unpinned,
    IReadOnlyList<JsonFullCheck>? Full,
    double ElapsedMs);

internal sealed record JsonPlannedArtifact(
    string Component,
    string Version,
    string File,
    string Format,
    long? Size,
    string? Sha256,
    IReadOnlyList<JsonSource> Sources,
    bool InStore,
    string? StoreEntry);

internal sealed record JsonSkipped(string Component, string File, string Reason);

internal sealed record JsonPlan(string System, IReadOnlyList<JsonPlannedArtifact> Artifacts, IReadOnlyList<JsonSkipped> Skipped, long? BytesToFetch);

internal sealed record JsonFetched(string Component, string Version, string File, bool Ok, bool Downloaded, string? Sha256, long? Size, string? Path, string? Error);

internal sealed record JsonFetch(string System, string Root, int Downloaded, int AlreadyPresent, int Failed, IReadOnlyList<JsonFetched> Artifacts, IReadOnlyList<JsonSkipped> Skipped);

internal sealed record JsonStoreEntry(string Name, string Kind, string Component, string Version, string File, string Sha256, long Size, string Source, DateTimeOffset RegisteredAt);

internal sealed record JsonStoreList(string Root, IReadOnlyList<JsonStoreEntry> Entries);

internal sealed record JsonVerdict(string Name, string State, string? Problem);

internal sealed record JsonVerify(string Root, bool Healthy, IReadOnlyList<JsonVerdict> Entries, IReadOnlyList<string> Debris);

internal sealed record JsonGc(string Root, bool DryRun, IReadOnlyList<string> Removed, IReadOnlyList<string> Debris, long BytesFreed);

internal sealed record JsonGenerationComponent(string Name, string Version, string Entry);

internal sealed record JsonGeneration(int Number, bool Current, DateTimeOffset CreatedAt, string System, string CudaVersion, string Path, IReadOnlyList<JsonGenerationComponent> Components)
{
    public static JsonGeneration From(Core.Sdk.GenerationRecord g, Core.Sdk.Generations generations, bool current) =>
        new(g.Number, current, g.CreatedAt, g.System, g.CudaVersion, generations.PathOf(g.Number), g.Components.Select(c => new JsonGenerationComponent(c.Name, c.Version, c.Entry)).ToList());
}

internal sealed record JsonGenerations(string CurrentLink, IReadOnlyList<JsonGeneration> Generations);

internal sealed record JsonInstall(JsonGeneration Generation, bool NoOp, int Downloaded, int Unpacked, int FromCache, string Current, IReadOnlyList<JsonSkipped> Skipped, IReadOnlyList<JsonVerdict> Repaired);

internal sealed record JsonEnv(IReadOnlyDictionary<string, string> Set, IReadOnlyDictionary<string, string> Prepend, IReadOnlyDictionary<string, string> Resulting);

internal sealed record JsonHostChange(string Path, string Kind, string Reason, string Diff);

internal sealed record JsonHostPackage(string Manager, string Package, bool? Available);

internal sealed record JsonHostFinding(string Id, string Status, string Message, string? Fix);

internal sealed record JsonHostDrift(string Path, string What);

internal sealed record JsonHostStatus(int Generation, DateTimeOffset? CreatedAt, IReadOnlyList<string> ManagedFiles, IReadOnlyList<JsonHostDrift> Drift);

internal sealed record JsonHostPlan(int CurrentGeneration, int? AppliedGeneration, bool? NoOp, IReadOnlyList<JsonHostChange> Changes, IReadOnlyList<JsonHostPackage> Packages, IReadOnlyList<JsonHostFinding> Findings)
{
    /// <summary>What apply runs after writing, on a live root ("systemctl daemon-reload", …).</summary>
    public IReadOnlyList<string> Commands { get; init; } = [];

    /// <summary>What apply leaves to the user (restart dockerd; under --root, that system's systemd commands).</summary>
    public IReadOnlyList<string> AfterApply { get; init; } = [];

    /// <summary>Commands that failed after an apply wrote its files.</summary>
    public IReadOnlyList<string> CommandFailures { get; init; } = [];
}

internal sealed record JsonUpdateArtifact(string System, string File, string Url, string Sha256, long Size, long? OldSize);

internal sealed record JsonUpdateProposal(string Component, string OldVersion, string NewVersion, string Source, IReadOnlyList<JsonUpdateArtifact> Artifacts, IReadOnlyList<string> Notes);

internal sealed record JsonUpdateSkip(string Component, string Reason, bool SourceFailed);

internal sealed record JsonUpdate(IReadOnlyList<JsonUpdateProposal> Proposals, IReadOnlyList<JsonUpdateSkip> Skipped);
