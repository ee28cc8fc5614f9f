using Nvsdk.Core.Platform;

namespace Nvsdk.Core.Tests.Platform;

public sealed class MachineCapacityTests
{
    [Theory]
    [InlineData(16, null, 16)] // memory unknown: one per core
    [InlineData(16, 128L << 30, 16)] // a GPU host: every core
    [InlineData(16, 1L << 30, 10)] // 1 GiB free: as many as fit
    [InlineData(2, 10L << 20, 1)] // almost nothing free: still one
    public void Workers_FollowCoresAndMemory(int cores, long? available, int expected) =>
        Assert.Equal(expected, MachineCapacity.WorkersFor(cores, available));

    [Fact]
    public void Workers_OnThisMachine_AreBetweenOneAndItsCores() =>
        Assert.InRange(MachineCapacity.Workers, 1, Environment.ProcessorCount);

    [Theory]
    [InlineData(3, 16, 3)] // fewer artifacts than workers
    [InlineData(40, 16, 16)]
    [InlineData(0, 16, 1)]
    public void For_NeverMoreThanTheWork(int items, int limit, int expected) =>
        Assert.Equal(expected, MachineCapacity.For(items, limit));

    [Fact]
    public void ReserveThreads_RaisesThePoolsMinimumForEveryStream_AndNeverLowersIt()
    {
        MachineCapacity.ReserveThreads(8);
        ThreadPool.GetMinThreads(out var raised, out _);
        MachineCapacity.ReserveThreads(1);
        ThreadPool.GetMinThreads(out var after, out _);

        Assert.True(raised >= (3 * 8) + Environment.ProcessorCount, $"minimum {raised}");
        Assert.Equal(raised, after);
    }
}
