using System.Formats.Tar;
using System.Text.Json;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Fetch;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Plan;
using Nvsdk.Core.Platform;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Store;

namespace Nvsdk.Core.Bundle;

/// <summary>
/// `nvsdk bundle export`: gathers the selected artifacts into the store (fetching what is missing), then
/// streams the manifest, the lock and each artifact into one uncompressed tar. Artifacts are re-verified
/// while they stream out of the store, so a damaged entry never ships. The tar is written to
/// <c>FILE.tmp</c> and renamed at the end: a failure leaves no half-written bundle.
/// </summary>
public static class BundleWriter
{
    private const UnixFileMode EntryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static async Task<BundleExportResult> ExportAsync(
        LockFile.LockFile lockFile,
        Selection selection,
        NvsdkStore store,
        string destination,
        FetchOptions? options = null,
        Action<FetchEvent>? report = null,
        HttpMessageHandler? handler = null,
        DateTimeOffset? created = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lockFile);
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(destination);

        // Validate every input before anything is fetched or written.
        destination = Path.GetFullPath(destination);
        var folder = Path.GetDirectoryName(destination)!;
        if (Directory.Exists(destination))
        {
            throw new UsageException($"{destination} is a directory", "name the bundle file to write, e.g. sdk-bundle.tar");
        }

        if (!Directory.Exists(folder))
        {
            throw new UsageException($"the folder {folder} does not exist", "create it first, or write the bundle elsewhere");
        }

        if (selection.Artifacts.FirstOrDefault(a => !a.IsPinned) is { } unpinned)
        {
            throw new UsageException($"{unpinned.Label} is not pinned by sha256; a bundle carries pinned artifacts only", "pin it in the lock, or leave its component out");
        }

        if (selection.Artifacts.Count == 0)
        {
            throw new UsageException($"nothing to bundle: the selection has no pinned artifacts for {selection.System}");
        }

        // The lock travels byte for byte; it must still pin what was selected from it.
        var lockBytes = LockFileParser.ReadFile(lockFile.Path);
        var fetched = await FetchRunner.RunAsync(selection.Artifacts, store, options ?? new FetchOptions(), report, handler, cancellationToken).ConfigureAwait(false);
        if (!fetched.AllSucceeded)
        {
            var failed = fetched.Outcomes.Where(o => !o.Succeeded).ToList();
            throw new BundleException(
                failed.Any(o => o.Error!.Code == ErrorCode.DigestMismatch) ? ErrorCode.DigestMismatch : ErrorCode.FetchFailed,
                destination,
                $"{failed.Count} of {fetched.Outcomes.Count} artifacts could not be fetched, so nothing was written: " + string.Join("; ", failed.Select(o => o.Error!.Message)),
                failed[0].Error);
        }

        var manifest = new BundleManifest
        {
            FormatVersion = BundleManifest.CurrentFormatVersion,
            Created = created ?? DateTimeOffset.UtcNow,
            System = selection.System,
            CudaVersion = lockFile.CudaVersion,
            LockSha256 = Sha256Digest.Of(lockBytes),
            Artifacts = fetched.Outcomes.Select(o => new BundleArtifact
            {
                Component = o.Artifact.Component,
                Version = o.Artifact.Version,
                File = o.Artifact.FileName,
                Sha256 = o.Artifact.Sha256!.Value,
                Size = o.Result!.Record.Size,
            }).ToList(),
        };
        manifest.Validate(destination);
        CheckLockCopy(manifest, lockFile.Path, lockBytes, destination);

        var temp = destination + ".tmp";
        try
        {
            var bytes = await WriteTarAsync(temp, manifest, lockBytes, fetched.Outcomes.Select(o => o.Result!).ToList(), cancellationToken).ConfigureAwait(false);
            File.Move(temp, destination, overwrite: true);
            Posix.FsyncDirectory(folder);
            return new BundleExportResult(destination, manifest, bytes, fetched.Downloaded, selection.Skipped);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>The lock file may have changed since it was parsed: the copy that ships must pin what is shipped.</summary>
    private static void CheckLockCopy(BundleManifest manifest, string lockPath, byte[] lockBytes, string destination)
    {
        var (copy, diagnostics) = LockFileParser.Parse(lockPath, lockBytes);
        if (copy is null)
        {
            var first = diagnostics.FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error);
            throw new LockFileException(lockPath, first?.JsonPath ?? "$", first?.Message ?? "not a lock file");
        }

        manifest.ResolveAgainst(copy, destination);
    }

    private static async Task<long> WriteTarAsync(
        string temp, BundleManifest manifest, byte[] lockBytes, IReadOnlyList<ArtifactInstallResult> artifacts, CancellationToken cancellationToken)
    {
        var output = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        await using (output.ConfigureAwait(false))
        {
            var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
            await using (writer.ConfigureAwait(false))
            {
                var manifestBytes = JsonSerializer.SerializeToUtf8Bytes(manifest, BundleJsonContext.Default.BundleManifest);
                await WriteEntryAsync(writer, BundleManifest.ManifestEntryName, new MemoryStream(manifestBytes, writable: false), manifest.Created, cancellationToken).ConfigureAwait(false);
                await WriteEntryAsync(writer, BundleManifest.LockEntryName, new MemoryStream(lockBytes, writable: false), manifest.Created, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < artifacts.Count; i++)
                {
                    var entry = manifest.Artifacts[i];
                    var stored = artifacts[i];
                    var input = new FileStream(stored.FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
                    await using (input.ConfigureAwait(false))
                    {
                        // Unseekable on purpose: TarWriter then copies to the end, so the digest check at EOF runs.
                        var verifying = new VerifyingStream(input, $"store entry {stored.Record.Name}", entry.Sha256, entry.Size, leaveOpen: true);
                        await using (verifying.ConfigureAwait(false))
                        {
                            try
                            {
                                await WriteEntryAsync(writer, entry.EntryName, verifying, manifest.Created, cancellationToken).ConfigureAwait(false);
                            }
                            catch (Exception e) when (e is DigestMismatchException or SizeMismatchException or TruncatedStreamException)
                            {
                                throw new StoreException(ErrorCode.StoreCorrupt, $"{e.Message}; the store entry is damaged, run `nvsdk store verify`", e);
                            }
                        }
                    }
                }
            }

            output.Flush(flushToDisk: true);
            return output.Length;
        }
    }

    private static Task WriteEntryAsync(TarWriter writer, string name, Stream data, DateTimeOffset modified, CancellationToken cancellationToken)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            DataStream = data,
            Mode = EntryMode,
            ModificationTime = modified,
        };
        return writer.WriteEntryAsync(entry, cancellationToken);
    }
}

/// <summary>A bundle written: where, what it carries, its size, how many artifacts had to be fetched first, and what was left out.</summary>
public sealed record BundleExportResult(string Path, BundleManifest Manifest, long Bytes, int Fetched, IReadOnlyList<SkippedArtifact> Skipped);
