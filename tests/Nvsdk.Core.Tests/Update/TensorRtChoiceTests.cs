using Nvsdk.Core.Primitives;
using Nvsdk.Core.Update;

namespace Nvsdk.Core.Tests.Update;

public class TensorRtChoiceTests
{
    private static List<TensorRtTar> Tars(params string[] names) =>
        names.Select(n => TensorRtTar.TryParse(n, out var t) ? t : throw new ArgumentException(n)).ToList();

    private static string Tar(string version, string arch, string cuda) => $"TensorRT-{version}.Linux.{arch}-gnu.cuda-{cuda}.tar.gz";

    [Theory]
    // The SDK's own minor wins over lower and higher ones.
    [InlineData("13.0 13.1 13.2", "13.0 13.1", 1, "13.1", "13.1")]
    // Without it, the highest minor below it, per system.
    [InlineData("13.0 13.2", "13.0", 1, "13.0", "13.0")]
    [InlineData("13.1", "13.0", 1, "13.1", "13.0")]
    // CUDA 12 builds never stand in for CUDA 13.
    [InlineData("12.9 13.0", "12.9 13.0", 0, "13.0", "13.0")]
    public void Choose_Minors_PrefersTheSdkMinorElseTheHighestBelow(string x86, string arm, int sdkMinor, string wantX86, string wantArm)
    {
        var tars = Tars([.. x86.Split(' ').Select(c => Tar("10.16.1.11", "x86_64", c)), .. arm.Split(' ').Select(c => Tar("10.16.1.11", "aarch64", c))]);
        var choice = TensorRtChoice.Choose(tars, 13, sdkMinor, out _);
        Assert.NotNull(choice);
        Assert.Equal(Version.Parse("10.16.1.11"), choice.Value.Version);
        Assert.Equal([Tar("10.16.1.11", "x86_64", wantX86), Tar("10.16.1.11", "aarch64", wantArm)], choice.Value.Tars.Select(t => t.FileName));
        Assert.Equal(SystemId.All, choice.Value.Tars.Select(t => t.System));
    }

    [Fact]
    public void Choose_NewestBuildLacksAarch64_TakesTheOlderBuildOfTheFolder()
    {
        var tars = Tars(Tar("10.16.1.12", "x86_64", "13.1"), Tar("10.16.1.11", "x86_64", "13.1"), Tar("10.16.1.11", "aarch64", "13.1"));
        Assert.Equal(Version.Parse("10.16.1.11"), TensorRtChoice.Choose(tars, 13, 1, out _)?.Version);
    }

    [Theory]
    [InlineData("x86_64:13.1 aarch64:12.9", "aarch64-linux")] // no CUDA 13 build for one system
    [InlineData("x86_64:13.1 aarch64:13.2", "13.2")] // only a newer minor than the SDK's
    [InlineData("x86_64:12.9 aarch64:12.9", "CUDA 13")] // nothing for the major at all
    public void Choose_NoFit_ReturnsNullAndSaysWhy(string spec, string mention)
    {
        var tars = Tars([.. spec.Split(' ').Select(s => s.Split(':')).Select(p => Tar("10.17.0.6", p[0], p[1]))]);
        Assert.Null(TensorRtChoice.Choose(tars, 13, 1, out var reason));
        Assert.Contains(mention, reason, StringComparison.Ordinal);
    }
}
