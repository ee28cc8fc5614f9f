using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Store;

/// <summary>`store verify`: re-hash every registered entry and list what does not belong.</summary>
public sealed partial class NvsdkStore
{
    public async Task<VerifyReport> VerifyAsync(Action<string>? onEntry = null, CancellationToken cancellationToken = default)
    {
        var results = new List<EntryVerdict>();
        foreach (var record in List())
        {
            cancellationToken.ThrowIfCancellationRequested();
            onEntry?.Invoke(record.Name);
            results.Add(await VerifyEntryAsync(record, cancellationToken).ConfigureAwait(false));
        }

        var registered = results.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var debris = Directory.Exists(Layout.StoreDir)
            ? Directory.EnumerateDirectories(Layout.StoreDir)
                .Select(Path.GetFileName)
                .OfType<string>()
                .Where(name => !name.StartsWith('.') && !registered.Contains(name))
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];
        return new VerifyReport(results, debris);
    }

    private async Task<EntryVerdict> VerifyEntryAsync(StoreEntryRecord record, CancellationToken cancellationToken)
    {
        var entry = Layout.EntryPath(record.Name);
        var file = Path.Combine(entry, record.File);
        if (!Directory.Exists(entry))
        {
            return new EntryVerdict(record.Name, EntryState.Missing, "registered but its folder is gone");
        }

        if (record.Kind == EntryKinds.Tree)
        {
            var tree = await Unpack.TreeManifest.ReadAsync(entry, cancellationToken).ConfigureAwait(false);
            var digest = tree.Digest();
            return digest.Hex == record.Sha256
                ? new EntryVerdict(record.Name, EntryState.Ok, null)
                : new EntryVerdict(record.Name, EntryState.Corrupt, $"the tree hashes to {digest}, registered {record.Sha256} (a file was changed, added or removed)");
        }

        if (record.Kind == EntryKinds.Image)
        {
            return await VerifyImageAsync(record, entry, cancellationToken).ConfigureAwait(false);
        }

        var extra = Directory.EnumerateFileSystemEntries(entry).Select(Path.GetFileName).Where(n => n != record.File).ToList();
        if (!File.Exists(file))
        {
            return new EntryVerdict(record.Name, EntryState.Corrupt, $"{record.File} is missing");
        }

        var info = new FileInfo(file);
        if (info.Length != record.Size)
        {
            return new EntryVerdict(record.Name, EntryState.Corrupt, $"{record.File} has {info.Length} bytes, registered {record.Size}");
        }

        Sha256Digest actual;
        var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            actual = await Sha256Digest.OfAsync(stream, cancellationToken).ConfigureAwait(false);
        }

        if (actual.Hex != record.Sha256)
        {
            return new EntryVerdict(record.Name, EntryState.Corrupt, $"{record.File} hashes to {actual}, registered {record.Sha256}");
        }

        return extra.Count > 0
            ? new EntryVerdict(record.Name, EntryState.Corrupt, $"unexpected files: {string.Join(", ", extra)}")
            : new EntryVerdict(record.Name, EntryState.Ok, null);
    }
}

public sealed partial class NvsdkStore
{
    /// <summary>An image entry is intact when every blob hashes to its name and the manifest's blobs are all there.</summary>
    private static async Task<EntryVerdict> VerifyImageAsync(StoreEntryRecord record, string entry, CancellationToken cancellationToken)
    {
        var blobs = Path.Combine(entry, "blobs", "sha256");
        if (!File.Exists(Path.Combine(blobs, record.Sha256)))
        {
            return new EntryVerdict(record.Name, EntryState.Corrupt, $"the manifest sha256:{record.Sha256} is missing");
        }

        foreach (var blob in Directory.EnumerateFiles(blobs).Order(StringComparer.Ordinal))
        {
            var stream = new FileStream(blob, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await using (stream.ConfigureAwait(false))
            {
                var actual = await Sha256Digest.OfAsync(stream, cancellationToken).ConfigureAwait(false);
                if (actual.Hex != Path.GetFileName(blob))
                {
                    return new EntryVerdict(record.Name, EntryState.Corrupt, $"the blob sha256:{Path.GetFileName(blob)} hashes to {actual}");
                }
            }
        }

        var (_, layers) = ReadImageLayout(entry);
        var missing = layers.Where(l => !File.Exists(l.Path)).Select(l => l.Digest).ToList();
        return missing.Count > 0
            ? new EntryVerdict(record.Name, EntryState.Corrupt, $"missing layers: {string.Join(", ", missing)}")
            : new EntryVerdict(record.Name, EntryState.Ok, null);
    }
}

public enum EntryState
{
    Ok,
    Corrupt,
    Missing,
}

public sealed record EntryVerdict(string Name, EntryState State, string? Problem);

/// <summary>What `store verify` found; <see cref="Debris"/> are folders in the store that were never registered.</summary>
public sealed record VerifyReport(IReadOnlyList<EntryVerdict> Entries, IReadOnlyList<string> Debris)
{
    public bool Healthy => Entries.All(e => e.State == EntryState.Ok);
}
