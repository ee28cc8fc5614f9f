using Nvsdk.Core.Unpack;

namespace Nvsdk.Core.Tests.Unpack;

/// <summary>The block-buffer memory of multi-threaded xz decoders is one budget, whatever the number of archives.</summary>
public sealed class XzThreadingBudgetTests
{
    [Fact]
    public void Take_FirstDecoderGetsWhatIsLeft_OthersDecodeOnOneThreadUntilItIsReturned()
    {
        var budget = new XzThreadingBudget(100L << 20);

        var first = budget.Take();
        var second = budget.Take();
        budget.Return(first);
        var third = budget.Take();

        Assert.Equal(100L << 20, first);
        Assert.Equal(0, second);
        Assert.Equal(100L << 20, third);
    }

    [Fact]
    public void Take_ManyDecodersAtOnce_NeverHoldMoreThanTheBudget()
    {
        var budget = new XzThreadingBudget(XzThreadingBudget.Total);

        var shares = new long[64];
        Parallel.For(0, shares.Length, i => shares[i] = budget.Take());

        Assert.Equal(XzThreadingBudget.Total, shares.Sum());
        Assert.Equal(shares.Length - 1, shares.Count(s => s == 0));
    }

    [Fact]
    public void Take_LessThanTheLeastLeft_GivesNothing()
    {
        var budget = new XzThreadingBudget(XzThreadingBudget.Least - 1);

        Assert.Equal(0, budget.Take());
    }
}
