namespace Nvsdk.Cli.Output;

// The `nvsdk bundle export|import --json` shapes, built from the same results as the text.

internal sealed record JsonBundleArtifact(string Component, string Version, string File, string Sha256, long Size);

internal sealed record JsonBundleExport(
    string Bundle,
    string System,
    string CudaVersion,
    DateTimeOffset Created,
    long Bytes,
    int Fetched,
    IReadOnlyList<JsonBundleArtifact> Artifacts,
    IReadOnlyList<JsonSkipped> Skipped);

internal sealed record JsonBundleImported(string Component, string Version, string File, string Sha256, long Size, bool Ok, bool Imported, string? Path, string? Error);

internal sealed record JsonBundleImport(
    string Bundle,
    string System,
    string Root,
    int Imported,
    int AlreadyPresent,
    int Failed,
    string? Lock,
    IReadOnlyList<JsonBundleImported> Artifacts);
