using System.Text.Json;
using Nvsdk.Core.Platform;

namespace Nvsdk.Core.Store;

/// <summary>
/// Makes the entries of one install durable together: every tree is staged and sealed first, then one syncfs(2)
/// flushes them all, then the renames (one fsync of the store folder) and the registrations (one more syncfs,
/// one fsync of the db folder). Per entry, a syncfs would flush every other entry still being written, so
/// parallel entries waited on each other's writeback.
/// The protocol's promise is unchanged: an entry is registered only after its tree is on disk and renamed
/// into place, so a kill -9 at any point leaves staging debris (cleaned under the key's lock) or complete entries.
/// A staged entry keeps its key's lock until it is committed. Holding locks while waiting for another could
/// deadlock two installs (or two workers of one), so whenever a worker must wait for a lock, everything
/// staged is committed first, and entries staged while anyone waits are committed at once.
/// </summary>
public sealed class DurabilityBatch : IAsyncDisposable
{
    private readonly NvsdkStore store;
    private readonly Lock gate = new();
    private readonly Dictionary<string, Staged> staged = new(StringComparer.Ordinal);
    private int waiting;

    internal DurabilityBatch(NvsdkStore store) => this.store = store;

    private sealed record Staged(PathLock Lock, string Staging, StoreEntryRecord Record);

    /// <summary>Where a staged (not yet committed) entry is now; null when it is not staged in this batch.</summary>
    internal string? StagingPathOf(string entryName)
    {
        lock (gate)
        {
            return staged.TryGetValue(entryName, out var entry) ? entry.Staging : null;
        }
    }

    /// <summary>Takes a key's lock; if someone holds it, commits what this batch has staged before waiting.</summary>
    internal async Task<PathLock> AcquireAsync(string lockPath, TimeSpan timeout, Action<string>? onWait, CancellationToken cancellationToken)
    {
        if (PathLock.TryAcquire(lockPath) is { } free)
        {
            return free;
        }

        Interlocked.Increment(ref waiting);
        try
        {
            Commit();
            return await PathLock.AcquireAsync(lockPath, timeout, onWait, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref waiting);
        }
    }

    /// <summary>Takes over a sealed staging folder and its lock; it becomes an entry at the next commit.</summary>
    internal void Add(PathLock held, string staging, StoreEntryRecord record)
    {
        lock (gate)
        {
            staged.Add(record.Name, new Staged(held, staging, record));
        }

        if (Volatile.Read(ref waiting) > 0)
        {
            Commit();
        }
    }

    /// <summary>Makes every staged entry durable and registered, then releases their locks.</summary>
    public void Commit()
    {
        List<Staged> batch;
        lock (gate)
        {
            if (staged.Count == 0)
            {
                return;
            }

            batch = [.. staged.Values];
            staged.Clear();
        }

        var done = 0;
        try
        {
            using (PhaseTimings.Measure($"commit: syncfs for {batch.Count} staged entries"))
            {
                Posix.SyncFileSystem(store.Layout.StoreDir);
            }

            var moved = new List<StoreEntryRecord>();
            foreach (var entry in batch)
            {
                if (store.TryGetRecord(entry.Record.Name) is null)
                {
                    var entryPath = store.Layout.EntryPath(entry.Record.Name);
                    NvsdkStore.DeleteTree(entryPath); // renamed into place but never registered: a crash between the last two steps
                    Directory.Move(entry.Staging, entryPath);
                    NvsdkStore.SealTop(entryPath);
                    moved.Add(entry.Record);
                }
                else
                {
                    NvsdkStore.DeleteTree(entry.Staging); // registered meanwhile under another key
                }
            }

            Posix.FsyncDirectory(store.Layout.StoreDir);
            NvsdkStore.WriteAtomically(moved.Select(r => (store.Layout.RegistrationPath(r.Name), JsonSerializer.SerializeToUtf8Bytes(r, StoreJsonContext.Default.StoreEntryRecord))).ToList());
            done = batch.Count;
        }
        finally
        {
            foreach (var entry in batch.Skip(done))
            {
                NvsdkStore.DeleteTree(entry.Staging);
            }

            foreach (var entry in batch)
            {
                entry.Lock.Dispose();
            }
        }
    }

    /// <summary>Throws away whatever was staged and not committed (a cancelled install writes nothing half-done).</summary>
    public ValueTask DisposeAsync()
    {
        List<Staged> left;
        lock (gate)
        {
            left = [.. staged.Values];
            staged.Clear();
        }

        foreach (var entry in left)
        {
            try
            {
                NvsdkStore.DeleteTree(entry.Staging);
            }
            finally
            {
                entry.Lock.Dispose();
            }
        }

        return ValueTask.CompletedTask;
    }
}
