using Nvsdk.Core.Errors;
using Nvsdk.Core.Store;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Store;

public sealed class PathLockTests : IDisposable
{
    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Acquire_ManyTasksManyTimes_NeverEnteredTwice()
    {
        var path = temp.Combine("locks", "x.lock");
        var inside = 0;
        var entries = 0;
        var tasks = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                await using var held = await PathLock.AcquireAsync(path, TimeSpan.FromMinutes(1));
                Assert.Equal(1, Interlocked.Increment(ref inside));
                Interlocked.Increment(ref entries);
                await Task.Yield();
                Assert.Equal(0, Interlocked.Decrement(ref inside));
            }
        }));
        await Task.WhenAll(tasks);
        Assert.Equal(200, entries);
    }

    [Fact]
    public async Task Acquire_HeldElsewhere_TimesOutNamingTheHolder()
    {
        var path = temp.Combine("x.lock");
        await using var held = await PathLock.AcquireAsync(path, TimeSpan.FromSeconds(1));
        var e = await Assert.ThrowsAsync<StoreException>(() => PathLock.AcquireAsync(path, TimeSpan.FromMilliseconds(200)));
        Assert.Equal(ErrorCode.StoreUnavailable, e.Code);
        Assert.Contains($"pid {Environment.ProcessId}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Acquire_AfterRelease_Succeeds()
    {
        var path = temp.Combine("x.lock");
        var first = await PathLock.AcquireAsync(path, TimeSpan.FromSeconds(1));
        await first.DisposeAsync();
        await using var second = await PathLock.AcquireAsync(path, TimeSpan.Zero);
        Assert.True(File.Exists(path));
    }
}
