using Nvsdk.Core.Gpu.Host;
using Nvsdk.Core.Metrics;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Metrics;

public class DoctorCacheTests
{
    private static readonly HostSnapshot H100 = SnapshotFile.Read(Path.Combine(RepoPaths.Root, "tests", "fixtures", "snapshots", "h100-driver580.json"));

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void Current_WithinPeriod_NeverReevaluates()
    {
        var clock = new ManualClock();
        var captures = 0;
        var cache = new DoctorCache(() => { Interlocked.Increment(ref captures); return H100; }, TimeSpan.FromSeconds(60), clock);
        for (var i = 0; i < 100; i++)
        {
            clock.Now += TimeSpan.FromMilliseconds(500);
            _ = cache.Current;
        }

        Assert.Equal(1, captures);
    }

    [Fact]
    public async Task Current_Stale_ServesOldResultAndRefreshesOnceBehindIt()
    {
        var clock = new ManualClock();
        var captures = 0;
        using var gate = new ManualResetEventSlim();
        var cache = new DoctorCache(
            () =>
            {
                if (Interlocked.Increment(ref captures) > 1)
                {
                    gate.Wait(TimeSpan.FromSeconds(10)); // a slow host read: scrapes must not wait for it
                }

                return H100;
            },
            TimeSpan.FromSeconds(60),
            clock);
        var first = cache.Current;
        clock.Now += TimeSpan.FromSeconds(61);

        var reads = Enumerable.Range(0, 20).Select(_ => Task.Run(() => cache.Current)).ToArray();
        var served = await Task.WhenAll(reads).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.All(served, r => Assert.Same(first, r));
        gate.Set();

        for (var i = 0; i < 200 && ReferenceEquals(cache.Current, first); i++)
        {
            await Task.Delay(25);
        }

        Assert.NotSame(first, cache.Current);
        Assert.Equal(2, captures);
        Assert.Equal(clock.Now, cache.Current.At);
    }
}
