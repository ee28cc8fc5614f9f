namespace Nvsdk.Core.Store;

/// <summary>
/// `install --repair`: re-hash the entries an install needs and drop the damaged ones (unregistered first, as gc
/// does), so the install that follows fetches and unpacks exactly those again.
/// </summary>
public sealed partial class NvsdkStore
{
    public async Task<IReadOnlyList<EntryVerdict>> DropDamagedAsync(IEnumerable<string> names, CancellationToken cancellationToken = default)
    {
        var dropped = new List<EntryVerdict>();
        foreach (var name in names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TryGetRecord(name) is not { } record)
            {
                continue;
            }

            var verdict = await VerifyEntryAsync(record, cancellationToken).ConfigureAwait(false);
            if (verdict.State == EntryState.Ok)
            {
                continue;
            }

            await RemoveEntryAsync(name, cancellationToken).ConfigureAwait(false);
            dropped.Add(verdict);
        }

        return dropped;
    }
}
