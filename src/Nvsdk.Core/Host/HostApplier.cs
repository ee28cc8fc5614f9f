using Nvsdk.Core.Errors;
using Nvsdk.Core.Host.Config;
using Nvsdk.Core.Store;

namespace Nvsdk.Core.Host;

/// <summary>
/// `host apply`, `host rollback` and `host status`. Apply records the new generation (every file's bytes,
/// and the originals it replaces) before touching the host, then writes each file atomically, then moves
/// `current`: a crash leaves a recorded generation ahead of `current`, which the next run finishes first,
/// so the host ends as the old generation or the new one, never a mix. A plan without changes is a no-op
/// that writes nothing at all (not even mtimes).
/// </summary>
public static class HostApplier
{
    public static async Task<HostApplyResult> ApplyAsync(HostConfig config, HostRoot host, string? sdkRoot, CancellationToken cancellationToken = default)
    {
        var generations = new HostGenerations(host);
        var held = await Lock(host, generations, cancellationToken).ConfigureAwait(false);
        await using (held.ConfigureAwait(false))
        {
            Recover(host, generations);
            var plan = HostPlanner.Plan(config, host, sdkRoot);
            if (!plan.HasChanges)
            {
                return new HostApplyResult(plan, generations.Current(), NoOp: true, []);
            }

            var current = generations.Read(generations.Current());
            var originals = new Dictionary<string, string?>(current?.Originals ?? new Dictionary<string, string?>(), StringComparer.Ordinal);
            foreach (var change in plan.Changes.Where(c => c.Kind is ChangeKind.Create or ChangeKind.Modify))
            {
                if (!originals.ContainsKey(change.Path))
                {
                    // First time nvsdk touches this file: keep what was there (or that nothing was).
                    if (change.Before is not null)
                    {
                        generations.KeepContent(change.Before);
                    }

                    originals[change.Path] = change.Before is null ? null : HostRoot.Sha256(change.Before);
                }
            }

            foreach (var file in plan.Desired.Files)
            {
                generations.KeepContent(file.Content);
            }

            var installed = InstallPackages(host, plan);
            var record = new HostRecord
            {
                Number = generations.Newest() + 1,
                CreatedAt = DateTimeOffset.UtcNow,
                Files = plan.Desired.Files.Select(f => new HostRecordFile(f.Path, HostRoot.Sha256(f.Content), f.Mode)).OrderBy(f => f.Path, StringComparer.Ordinal).ToList(),
                Originals = originals.Where(o => plan.Desired.Files.Any(f => f.Path == o.Key)).ToDictionary(o => o.Key, o => o.Value, StringComparer.Ordinal),
                PackagesInstalled = installed,
            };
            generations.Forget(generations.Current());
            generations.Record(record);
            Materialize(host, generations, record, current);
            generations.SetCurrent(record.Number);
            return new HostApplyResult(plan, record.Number, NoOp: false, installed);
        }
    }

    /// <summary>Puts the host back as the previous generation left it (generation 0: as it was before nvsdk).</summary>
    public static async Task<int> RollbackAsync(HostRoot host, CancellationToken cancellationToken = default)
    {
        var generations = new HostGenerations(host);
        var held = await Lock(host, generations, cancellationToken).ConfigureAwait(false);
        await using (held.ConfigureAwait(false))
        {
            Recover(host, generations);
            var number = generations.Current();
            if (number == 0)
            {
                throw new UsageException("nothing to roll back: nvsdk has not changed this host", "see `nvsdk host status`");
            }

            var current = generations.Read(number)!;
            var target = number - 1;
            var previous = target > 0 ? generations.Read(target) : null;
            var targetRecord = previous ?? new HostRecord { Number = 0, CreatedAt = DateTimeOffset.UtcNow, Files = [], Originals = current.Originals };
            Materialize(host, generations, targetRecord with { Originals = Merge(current.Originals, targetRecord.Originals) }, current);
            generations.SetCurrent(target);
            return target;
        }
    }

    /// <summary>Managed files edited by hand since the current generation was applied.</summary>
    public static IReadOnlyList<HostDrift> Status(HostRoot host)
    {
        var generations = new HostGenerations(host);
        var record = generations.Read(generations.Current());
        if (record is null)
        {
            return [];
        }

        var drift = new List<HostDrift>();
        foreach (var file in record.Files)
        {
            var content = host.Read(file.Path);
            if (content is null)
            {
                drift.Add(new HostDrift(file.Path, "deleted by hand"));
            }
            else if (HostRoot.Sha256(content) != file.Sha256)
            {
                drift.Add(new HostDrift(file.Path, "edited by hand"));
            }
        }

        return drift;
    }

    /// <summary>Makes the host's managed files exactly <paramref name="target"/>'s; files only <paramref name="from"/> managed go back to their originals.</summary>
    private static void Materialize(HostRoot host, HostGenerations generations, HostRecord target, HostRecord? from)
    {
        foreach (var file in target.Files)
        {
            var content = generations.Content(file.Sha256);
            if (host.Read(file.Path) != content)
            {
                host.Write(file.Path, content, file.Mode);
            }
        }

        foreach (var old in from?.Files ?? [])
        {
            if (target.Files.Any(f => f.Path == old.Path))
            {
                continue;
            }

            var original = target.Originals.GetValueOrDefault(old.Path) ?? from!.Originals.GetValueOrDefault(old.Path);
            if (original is null)
            {
                host.Delete(old.Path);
            }
            else
            {
                host.Write(old.Path, generations.Content(original), old.Mode);
            }
        }
    }

    /// <summary>An apply that died after recording its generation: finish it, so the host is all new.</summary>
    private static void Recover(HostRoot host, HostGenerations generations)
    {
        var current = generations.Current();
        var newest = generations.Newest();
        if (newest > current && generations.Read(newest) is { } unfinished)
        {
            Materialize(host, generations, unfinished, generations.Read(current));
            generations.SetCurrent(newest);
        }
    }

    private static IReadOnlyDictionary<string, string?> Merge(IReadOnlyDictionary<string, string?> a, IReadOnlyDictionary<string, string?> b)
    {
        var merged = new Dictionary<string, string?>(a, StringComparer.Ordinal);
        foreach (var (k, v) in b)
        {
            merged.TryAdd(k, v);
        }

        return merged;
    }

    private static List<string> InstallPackages(HostRoot host, HostPlan plan)
    {
        var wanted = plan.PackagesToInstall.Where(p => p.Available == true).Select(p => p.Package).ToList();
        if (wanted.Count == 0 || host.Root != "/")
        {
            return []; // under --root nothing is installed on the real system
        }

        PackageManager.Detect(host)!.Install(wanted);
        return wanted;
    }

    private static async Task<PathLock> Lock(HostRoot host, HostGenerations generations, CancellationToken cancellationToken)
    {
        if (host.Root == "/" && Platform.Posix.EffectiveUserId() != 0)
        {
            throw new UsageException("host setup changes /etc and needs root", "run it with sudo, or pass --root DIR to work on a copy");
        }

        try
        {
            Directory.CreateDirectory(host.StateDir);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new StoreException(ErrorCode.StoreUnavailable, $"cannot create {host.StateDir}: permission denied; run as root or pass --root DIR", e);
        }

        return await PathLock.AcquireAsync(generations.LockPath, TimeSpan.FromMinutes(5), cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}

public sealed record HostApplyResult(HostPlan Plan, int Generation, bool NoOp, IReadOnlyList<string> PackagesInstalled);

public sealed record HostDrift(string Path, string What);
