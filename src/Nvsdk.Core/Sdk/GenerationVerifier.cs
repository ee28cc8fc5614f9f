using Nvsdk.Core.Store;

namespace Nvsdk.Core.Sdk;

/// <summary>
/// `store verify` over the whole store: the registered entries, then every generation — its shape must be
/// the one recorded when it was built, and every entry it links into must still be registered.
/// </summary>
public static class GenerationVerifier
{
    public static async Task<VerifyReport> VerifyStoreAsync(NvsdkStore store, Action<string>? onEntry = null, CancellationToken cancellationToken = default)
    {
        var report = await store.VerifyAsync(onEntry, cancellationToken).ConfigureAwait(false);
        var registered = report.Entries.Where(e => e.State == EntryState.Ok).Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        var generations = new Generations(store.Layout);
        var verdicts = new List<EntryVerdict>(report.Entries);
        foreach (var record in generations.List())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = $"generations/{Path.GetFileName(generations.PathOf(record.Number))}";
            onEntry?.Invoke(name);
            verdicts.Add(Verify(name, record, generations.PathOf(record.Number), registered, cancellationToken));
        }

        return report with { Entries = verdicts };
    }

    private static EntryVerdict Verify(string name, GenerationRecord record, string path, HashSet<string> intact, CancellationToken cancellationToken)
    {
        var broken = record.Entries.Where(e => !intact.Contains(e)).ToList();
        if (broken.Count > 0)
        {
            return new EntryVerdict(name, EntryState.Corrupt, $"links into store entries that are missing or damaged: {string.Join(", ", broken)}");
        }

        if (record.Shape is null)
        {
            return new EntryVerdict(name, EntryState.Ok, "built by an older nvsdk that recorded no shape; only its store entries were checked");
        }

        var shape = GenerationShape.Of(path, cancellationToken);
        return shape == record.Shape
            ? new EntryVerdict(name, EntryState.Ok, null)
            : new EntryVerdict(name, EntryState.Corrupt, "its files changed since it was built (a file or link was added, removed or replaced); reinstall and remove it with `nvsdk generations`");
    }
}
