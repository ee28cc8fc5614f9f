using Nvsdk.Core.Errors;
using Nvsdk.Core.Host.Config;
using Nvsdk.Core.Host.Systemd;
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
    // selfBinary: the nvsdk program to install as the CDI hook where needed (see HostPlanner.Plan).
    public static async Task<HostApplyResult> ApplyAsync(HostConfig config, HostRoot host, string? sdkRoot, string? selfBinary = null, CancellationToken cancellationToken = default)
    {
        var generations = new HostGenerations(host);
        var held = await Lock(host, generations, cancellationToken).ConfigureAwait(false);
        await using (held.ConfigureAwait(false))
        {
            Recover(host, generations);
            var plan = HostPlanner.Plan(config, host, sdkRoot, selfBinary);
            if (!plan.HasChanges)
            {
                return new HostApplyResult(plan, generations.Current(), NoOp: true, []);
            }

            var current = generations.Read(generations.Current());
            var originals = new Dictionary<string, HostEntry>(current?.Originals ?? new Dictionary<string, HostEntry>(), StringComparer.Ordinal);
            var folders = new List<string>(current?.CreatedFolders ?? []);
            foreach (var file in plan.Desired.Files)
            {
                // First time nvsdk manages this path: keep exactly what is there (or that nothing is), changed or not.
                if (!originals.ContainsKey(file.Path))
                {
                    var before = host.Inspect(file.Path);
                    if (before.Bytes is { } bytes)
                    {
                        generations.KeepContent(bytes);
                    }

                    originals[file.Path] = before;
                }

                folders.AddRange(host.MissingFolders(file.Path).Except(folders, StringComparer.Ordinal));
                generations.KeepContent(file.Bytes);
            }

            host.EnsureWritable(plan.Changes.Select(c => c.Path));
            cancellationToken.ThrowIfCancellationRequested(); // the last point where stopping leaves nothing to undo
            var installed = InstallPackages(host, plan);
            var record = new HostRecord
            {
                Number = generations.Newest() + 1,
                CreatedAt = DateTimeOffset.UtcNow,
                Files = plan.Desired.Files.Select(f => f.Record).OrderBy(f => f.Path, StringComparer.Ordinal).ToList(),
                Originals = originals.Where(o => plan.Desired.Files.Any(f => f.Path == o.Key)).ToDictionary(o => o.Key, o => o.Value with { Bytes = null }, StringComparer.Ordinal),
                CreatedFolders = folders,
                PackagesInstalled = installed,
            };
            generations.Forget(generations.Current());
            generations.Record(record);
            try
            {
                Materialize(host, generations, record, current);
            }
            catch
            {
                // Put back what this apply already wrote, so a failure leaves the host as it was, then forget it.
                Materialize(host, generations, Previous(current, record), record);
                generations.Forget(generations.Current());
                throw;
            }

            generations.SetCurrent(record.Number);
            var failed = await LiveActions.RunAsync(plan.Commands, CancellationToken.None).ConfigureAwait(false); // the files are in: finish
            return new HostApplyResult(plan, record.Number, NoOp: false, installed) { CommandFailures = failed };
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
            host.EnsureWritable(current.Files.Select(f => f.Path));
            cancellationToken.ThrowIfCancellationRequested();
            Materialize(host, generations, Previous(previous, current), current);
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
            var now = host.Inspect(file.Path);
            if (file.Removed)
            {
                if (now.Kind != HostEntryKind.Absent)
                {
                    drift.Add(new HostDrift(file.Path, "moved aside by nvsdk, but there again (regenerated by another tool?)"));
                }
            }
            else if (now.Kind == HostEntryKind.Absent)
            {
                drift.Add(new HostDrift(file.Path, "deleted by hand"));
            }
            else if (!file.IsSatisfiedBy(now))
            {
                drift.Add(new HostDrift(file.Path, file.LinkTarget is null ? "edited by hand" : "link changed by hand"));
            }
        }

        return drift;
    }

    /// <summary>The generation before <paramref name="from"/>: <paramref name="previous"/>, or generation 0 (no files, the originals).</summary>
    private static HostRecord Previous(HostRecord? previous, HostRecord from) =>
        previous ?? new HostRecord { Number = 0, CreatedAt = DateTimeOffset.UtcNow, Files = [], Originals = from.Originals };

    /// <summary>
    /// Makes the host's managed paths exactly <paramref name="target"/>'s; paths only <paramref name="from"/> managed go
    /// back to their originals (bytes, mode, owner, link), and folders only <paramref name="from"/> created are removed
    /// when empty. A path already right is not touched.
    /// </summary>
    private static void Materialize(HostRoot host, HostGenerations generations, HostRecord target, HostRecord? from)
    {
        foreach (var file in target.Files)
        {
            var now = host.Inspect(file.Path);
            if (file.IsSatisfiedBy(now))
            {
                continue; // already right: not even an mtime changes
            }

            if (file.Removed)
            {
                host.Delete(file.Path);
            }
            else if (file.LinkTarget is not null)
            {
                host.WriteLink(file.Path, file.LinkTarget);
            }
            else
            {
                // A file that was there keeps its owner (daemon.json may belong to someone else); new ones are root's.
                var owner = now.Kind == HostEntryKind.File ? (now.Uid, now.Gid) : (0u, 0u);
                host.WriteFile(file.Path, generations.Content(file.Sha256), file.Mode, owner.Item1, owner.Item2);
            }
        }

        foreach (var old in from?.Files ?? [])
        {
            if (target.Files.Any(f => f.Path == old.Path))
            {
                continue;
            }

            var original = target.Originals.GetValueOrDefault(old.Path) ?? from!.Originals.GetValueOrDefault(old.Path) ?? HostEntry.Absent(old.Path);
            host.Restore(original, original.Sha256 is { } sha ? generations.Content(sha) : null);
        }

        foreach (var folder in (from?.CreatedFolders ?? []).Except(target.CreatedFolders, StringComparer.Ordinal).OrderByDescending(f => f.Length))
        {
            host.DeleteEmptyFolder(folder);
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

    private static List<string> InstallPackages(HostRoot host, HostPlan plan)
    {
        var wanted = plan.PackagesToInstall.Where(p => p.Available == true).Select(p => p.Package).ToList();
        if (wanted.Count == 0 || !host.IsLive)
        {
            return []; // under --root nothing is installed on the real system
        }

        PackageManager.Detect(host)!.Install(wanted);
        return wanted;
    }

    private static async Task<PathLock> Lock(HostRoot host, HostGenerations generations, CancellationToken cancellationToken)
    {
        if (host.IsLive && Platform.Posix.EffectiveUserId() != 0)
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

public sealed record HostApplyResult(HostPlan Plan, int Generation, bool NoOp, IReadOnlyList<string> PackagesInstalled)
{
    /// <summary>Live-root commands (systemctl …) that failed after the files were written.</summary>
    public IReadOnlyList<string> CommandFailures { get; init; } = [];
}

public sealed record HostDrift(string Path, string What);
