using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Testing;

/// <summary>A tool the tests need that is missing skips on a developer's machine and fails the run in CI.</summary>
public sealed class CiToolsTests
{
    [Fact]
    public void SkipIf_MissingUnderCi_Fails()
    {
        var e = Assert.Throws<MissingToolException>(() => CiTools.SkipIf(true, "nginx is not installed", inCi: true));
        Assert.Contains("nginx", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SkipIf_MissingOutsideCi_Skips() =>
        Assert.Throws<SkipException>(() => CiTools.SkipIf(true, "nginx is not installed", inCi: false));

    [Fact]
    public void SkipIf_Present_DoesNothing() => CiTools.SkipIf(false, "unused", inCi: true);
}
