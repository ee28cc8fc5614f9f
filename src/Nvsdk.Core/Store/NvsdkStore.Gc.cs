namespace Nvsdk.Core.Store;

/// <summary>
/// `store gc`: removes registered entries that no root keeps, plus debris (unregistered folders, staging,
/// partial downloads and image blobs no entry links, that no live process holds). An entry is unregistered before its folder goes, so a crash
/// midway leaves debris, never a registration without its folder.
/// </summary>
public sealed partial class NvsdkStore
{
    public async Task<GcReport> CollectGarbageAsync(bool dryRun, CancellationToken cancellationToken = default)
    {
        var keep = ReadRoots();
        var removed = new List<string>();
        var freed = 0L;
        foreach (var record in List().Where(r => !keep.Contains(r.Name)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!dryRun)
            {
                await RemoveEntryAsync(record.Name, cancellationToken).ConfigureAwait(false);
            }

            removed.Add(record.Name);
            freed += record.Size;
        }

        var debris = await CleanDebrisAsync(dryRun, cancellationToken).ConfigureAwait(false);
        return new GcReport(removed, debris, freed, keep.Count, dryRun);
    }

    /// <summary>Removes a registered entry under its lock: unregistered first, so a crash leaves debris, never a registration without its folder.</summary>
    internal async Task RemoveEntryAsync(string name, CancellationToken cancellationToken)
    {
        var held = await PathLock.AcquireAsync(Layout.LockPath(name), Options.LockTimeout, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (held.ConfigureAwait(false))
        {
            File.Delete(Layout.RegistrationPath(name));
            DeleteTree(Layout.EntryPath(name));
        }
    }

    /// <summary>
    /// Names of entries that must stay: those every SDK generation links into, and those roots/ lists
    /// (each file there names entries, one a line).
    /// </summary>
    private HashSet<string> ReadRoots()
    {
        var keep = new HashSet<string>(StringComparer.Ordinal);
        foreach (var generation in new Sdk.Generations(Layout).List())
        {
            keep.UnionWith(generation.Entries);
        }

        if (!Directory.Exists(Layout.RootsDir))
        {
            return keep;
        }

        foreach (var file in Directory.EnumerateFiles(Layout.RootsDir))
        {
            foreach (var line in File.ReadLines(file))
            {
                if (line.Trim() is { Length: > 0 } name)
                {
                    keep.Add(name);
                }
            }
        }

        return keep;
    }

    /// <summary>Removes debris that no live process holds; with <paramref name="dryRun"/> only lists exactly that.</summary>
    private async Task<List<string>> CleanDebrisAsync(bool dryRun, CancellationToken cancellationToken)
    {
        void Unless(Action action)
        {
            if (!dryRun)
            {
                action();
            }
        }

        var cleaned = new List<string>();
        var registered = List().Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var dir in Directory.EnumerateDirectories(Layout.StoreDir))
        {
            var name = Path.GetFileName(dir);
            if (!name.StartsWith('.') && !registered.Contains(name) && await TryWithFreeLockAsync(name, () => Unless(() => DeleteTree(dir)), cancellationToken).ConfigureAwait(false))
            {
                cleaned.Add($"store/{name}");
            }
        }

        foreach (var dir in Directory.EnumerateDirectories(Layout.StagingDir))
        {
            var key = StagingKey(Path.GetFileName(dir));
            if (await TryWithFreeLockAsync(key, () => Unless(() => DeleteTree(dir)), cancellationToken).ConfigureAwait(false))
            {
                cleaned.Add($"store/.tmp/{Path.GetFileName(dir)}");
            }
        }

        foreach (var partial in Directory.EnumerateFiles(Layout.DownloadsDir, "*.part"))
        {
            var key = Path.GetFileNameWithoutExtension(partial);
            if (await TryWithFreeLockAsync(key, () => Unless(() => File.Delete(partial)), cancellationToken).ConfigureAwait(false))
            {
                cleaned.Add($"downloads/{Path.GetFileName(partial)}");
            }
        }

        cleaned.AddRange(await CleanUnusedBlobsAsync(dryRun, cancellationToken).ConfigureAwait(false));
        return cleaned;
    }

    /// <summary>Staging folders are named key.pid.guid; the key is everything before the last two dots.</summary>
    private static string StagingKey(string stagingName)
    {
        var parts = stagingName.Split('.');
        return parts.Length > 2 ? string.Join('.', parts[..^2]) : stagingName;
    }

    /// <summary>Runs <paramref name="action"/> only if nobody holds the key's lock right now (a live install).</summary>
    private async Task<bool> TryWithFreeLockAsync(string key, Action action, CancellationToken cancellationToken)
    {
        PathLock held;
        try
        {
            held = await PathLock.AcquireAsync(Layout.LockPath(key), TimeSpan.Zero, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Errors.StoreException)
        {
            return false;
        }

        await using (held.ConfigureAwait(false))
        {
            action();
            return true;
        }
    }
}

public sealed record GcReport(IReadOnlyList<string> Removed, IReadOnlyList<string> Debris, long BytesFreed, int Roots, bool DryRun);
