using System.Formats.Tar;
using System.Text.Json;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Fetch;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Store;

namespace Nvsdk.Core.Bundle;

/// <summary>
/// `nvsdk bundle import`: reads a bundle front to back, once. The manifest and the lock copy come first and
/// must agree; each artifact is then verified while it streams from the tar into the store's staging and is
/// registered through the normal install protocol. An artifact with wrong bytes is refused and the others
/// still go in; a bundle that is cut short stops the import with one <see cref="BundleException"/>.
/// </summary>
public static class BundleReader
{
    /// <summary>The manifest and the lock are small; anything bigger is not a bundle nvsdk wrote.</summary>
    private const long MaxMetadataBytes = 16 << 20;

    /// <summary>
    /// Imports every artifact of <paramref name="bundle"/> into <paramref name="store"/>. When all of them are
    /// in the store afterwards and <paramref name="lockDestination"/> is given, the bundle's lock is written there.
    /// </summary>
    public static async Task<BundleImportResult> ImportAsync(
        string bundle,
        NvsdkStore store,
        string? lockDestination = null,
        Action<FetchEvent>? report = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(bundle);
        ArgumentNullException.ThrowIfNull(store);

        bundle = Path.GetFullPath(bundle);
        if (lockDestination is not null)
        {
            lockDestination = Path.GetFullPath(lockDestination);
            if (!Directory.Exists(Path.GetDirectoryName(lockDestination)) || Directory.Exists(lockDestination))
            {
                throw new UsageException($"cannot write the bundle's lock to {lockDestination}", "name a file in an existing folder");
            }
        }

        var input = Open(bundle);
        await using (input.ConfigureAwait(false))
        {
            var reader = new TarReader(input, leaveOpen: true);
            await using (reader.ConfigureAwait(false))
            {
                var manifest = await ReadManifestAsync(reader, bundle, cancellationToken).ConfigureAwait(false);
                var (lockBytes, artifacts) = await ReadLockAsync(reader, bundle, manifest, cancellationToken).ConfigureAwait(false);
                var outcomes = await ImportArtifactsAsync(reader, bundle, manifest, artifacts, store, report, cancellationToken).ConfigureAwait(false);

                string? lockWritten = null;
                if (lockDestination is not null && outcomes.All(o => o.Succeeded))
                {
                    NvsdkStore.WriteAtomically(lockDestination, lockBytes);
                    lockWritten = lockDestination;
                }

                return new BundleImportResult(bundle, manifest, outcomes, lockWritten);
            }
        }
    }

    private static FileStream Open(string bundle)
    {
        try
        {
            return new FileStream(bundle, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new UsageException($"no bundle at {bundle}", "pass the .tar that `nvsdk bundle export` wrote");
        }
    }

    private static async Task<BundleManifest> ReadManifestAsync(TarReader reader, string bundle, CancellationToken cancellationToken)
    {
        var entry = await NextAsync(reader, bundle, cancellationToken).ConfigureAwait(false)
            ?? throw Invalid(bundle, "is empty: not an nvsdk bundle");
        var bytes = await ReadMetadataAsync(entry, BundleManifest.ManifestEntryName, bundle, cancellationToken).ConfigureAwait(false);
        BundleManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(bytes, BundleJsonContext.Default.BundleManifest);
        }
        catch (JsonException e)
        {
            throw Invalid(bundle, $"{BundleManifest.ManifestEntryName} is not a valid manifest ({e.Message})", e);
        }

        if (manifest?.Artifacts is null)
        {
            throw Invalid(bundle, $"{BundleManifest.ManifestEntryName} is not a valid manifest");
        }

        manifest.Validate(bundle);
        return manifest;
    }

    private static async Task<(byte[] Bytes, IReadOnlyList<Artifact> Artifacts)> ReadLockAsync(
        TarReader reader, string bundle, BundleManifest manifest, CancellationToken cancellationToken)
    {
        var entry = await NextAsync(reader, bundle, cancellationToken).ConfigureAwait(false)
            ?? throw Damaged(bundle, $"is cut short: it ends before {BundleManifest.LockEntryName}");
        var bytes = await ReadMetadataAsync(entry, BundleManifest.LockEntryName, bundle, cancellationToken).ConfigureAwait(false);
        var actual = Sha256Digest.Of(bytes);
        if (actual != manifest.LockSha256)
        {
            throw new BundleException(
                ErrorCode.DigestMismatch,
                bundle,
                $"{BundleManifest.LockEntryName}: sha256 mismatch: expected {manifest.LockSha256}, got {actual} ({bytes.Length} bytes)");
        }

        var (lockFile, diagnostics) = LockFileParser.Parse($"{bundle}:{BundleManifest.LockEntryName}", bytes);
        if (lockFile is null)
        {
            var first = diagnostics.FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error);
            throw Invalid(bundle, $"{BundleManifest.LockEntryName} is not a valid lock: {first?.JsonPath ?? "$"}: {first?.Message ?? "unreadable"}");
        }

        return (bytes, manifest.ResolveAgainst(lockFile, bundle));
    }

    private static async Task<IReadOnlyList<BundleImportOutcome>> ImportArtifactsAsync(
        TarReader reader,
        string bundle,
        BundleManifest manifest,
        IReadOnlyList<Artifact> artifacts,
        NvsdkStore store,
        Action<FetchEvent>? report,
        CancellationToken cancellationToken)
    {
        var index = manifest.Artifacts.Select((a, i) => (a.EntryName, i)).ToDictionary(p => p.EntryName, p => p.i, StringComparer.Ordinal);
        var outcomes = new BundleImportOutcome?[manifest.Artifacts.Count];
        var bundleUri = new Uri(bundle);
        while (await NextAsync(reader, bundle, cancellationToken).ConfigureAwait(false) is { } entry)
        {
            if (entry.EntryType != TarEntryType.RegularFile || !index.TryGetValue(entry.Name, out var i))
            {
                throw Invalid(bundle, $"has an entry '{entry.Name}' that {BundleManifest.ManifestEntryName} does not list");
            }

            if (outcomes[i] is not null)
            {
                throw Invalid(bundle, $"has the entry '{entry.Name}' twice");
            }

            var item = manifest.Artifacts[i];
            var source = new UriBuilder(bundleUri) { Fragment = entry.Name }.Uri;
            if (entry.Length != item.Size)
            {
                outcomes[i] = new BundleImportOutcome(item, null, new SizeMismatchException($"{item.Label} from {source}", item.Size, entry.Length));
                continue;
            }

            try
            {
                var result = await store.ImportArtifactAsync(artifacts[i], entry.DataStream ?? Stream.Null, source, report, cancellationToken).ConfigureAwait(false);
                outcomes[i] = new BundleImportOutcome(item, result, null);
            }
            catch (DigestMismatchException e)
            {
                report?.Invoke(new FetchEvent.SourceFailed(item.Label, source, e.Message, WillRetry: false));
                outcomes[i] = new BundleImportOutcome(item, null, e);
            }
            catch (Exception e) when (e is TruncatedStreamException or EndOfStreamException)
            {
                throw Damaged(bundle, $"is cut short inside {entry.Name}", e);
            }
        }

        var missing = manifest.Artifacts.Where((_, i) => outcomes[i] is null).ToList();
        if (missing.Count > 0)
        {
            throw Damaged(bundle, $"is cut short: {missing.Count} of {manifest.Artifacts.Count} artifacts listed in {BundleManifest.ManifestEntryName} are missing, {missing[0].File} first");
        }

        return outcomes.Select(o => o!).ToList();
    }

    /// <summary>The next entry, or null at the end; a damaged or cut header becomes one clear error.</summary>
    private static async Task<TarEntry?> NextAsync(TarReader reader, string bundle, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or FormatException)
        {
            throw Damaged(bundle, $"is cut short or damaged: {e.Message}", e);
        }
    }

    private static async Task<byte[]> ReadMetadataAsync(TarEntry entry, string expectedName, string bundle, CancellationToken cancellationToken)
    {
        if (entry.EntryType != TarEntryType.RegularFile || !string.Equals(entry.Name, expectedName, StringComparison.Ordinal))
        {
            throw Invalid(bundle, $"starts with '{entry.Name}' where {expectedName} belongs: not an nvsdk bundle");
        }

        if (entry.Length > MaxMetadataBytes)
        {
            throw Invalid(bundle, $"{expectedName} is {entry.Length} bytes, more than a bundle's {MaxMetadataBytes}");
        }

        var bytes = new byte[entry.Length];
        var read = 0;
        if (entry.DataStream is { } data)
        {
            try
            {
                read = await data.ReadAtLeastAsync(bytes, bytes.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            }
            catch (EndOfStreamException e)
            {
                throw Damaged(bundle, $"is cut short inside {expectedName}", e);
            }
        }

        return read == bytes.Length ? bytes : throw Damaged(bundle, $"is cut short inside {expectedName}");
    }

    private static BundleException Invalid(string bundle, string problem, Exception? inner = null) => new(ErrorCode.InvalidInput, bundle, problem, inner);

    private static BundleException Damaged(string bundle, string problem, Exception? inner = null) =>
        new(ErrorCode.FetchFailed, bundle, problem + "; copy the bundle again", inner);
}

/// <summary>What happened to one artifact of a bundle: in the store now (imported, or already there), or refused and why.</summary>
public sealed record BundleImportOutcome(BundleArtifact Artifact, ArtifactInstallResult? Result, NvsdkException? Error)
{
    public bool Succeeded => Result is not null;

    public bool Imported => Result?.Downloaded == true;
}

/// <summary>A bundle read to the end: each artifact's outcome, in manifest order, and where its lock was written (when asked and all went in).</summary>
public sealed record BundleImportResult(string Path, BundleManifest Manifest, IReadOnlyList<BundleImportOutcome> Outcomes, string? LockWrittenTo)
{
    public bool AllSucceeded => Outcomes.All(o => o.Succeeded);

    public int Imported => Outcomes.Count(o => o.Imported);

    public int AlreadyPresent => Outcomes.Count(o => o.Succeeded && !o.Imported);

    public int Failed => Outcomes.Count(o => !o.Succeeded);
}
