namespace Nvsdk.Core.Store;

public sealed record StoreOptions
{
    /// <summary>How long to wait for another process holding an entry's lock.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromHours(2);
}
