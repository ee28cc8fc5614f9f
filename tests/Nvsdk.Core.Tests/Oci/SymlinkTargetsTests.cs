using Nvsdk.Core.Oci.Layers;

namespace Nvsdk.Core.Tests.Oci;

public sealed class SymlinkTargetsTests
{
    [Theory]
    [InlineData("etc/localtime", "/usr/share/zoneinfo/Etc/UTC", "../usr/share/zoneinfo/Etc/UTC")]
    [InlineData("usr/lib/libz.so", "/usr/lib/libz.so.1", "libz.so.1")]
    [InlineData("usr/lib/x86_64-linux-gnu/libc.so", "/usr/lib/libc.so.6", "../libc.so.6")]
    [InlineData("bin", "/usr/bin", "usr/bin")]
    [InlineData("a/b/root", "/", "../..")]
    [InlineData("top", "/", ".")]
    [InlineData("a/self", "/a", ".")]
    [InlineData("a/x", "/../../etc/./passwd", "../etc/passwd")]
    [InlineData("a/x", "/usr//lib/../bin/", "../usr/bin")]
    [InlineData("a/x", "../relative/kept", "../relative/kept")]
    [InlineData("a/x", "../../../climbs/out", "../climbs/out")] // clamped at the root, as the container sees it
    [InlineData("usr/share/x", "../../../../etc/passwd", "../../etc/passwd")]
    [InlineData("a/b/x", "../../..", "../..")]
    [InlineData("a/b/x", "../../c", "../../c")] // reaches the root, no further: kept
    public void Rebase_ReturnsTheTargetInsideTheTree(string link, string target, string expected) =>
        Assert.Equal(expected, SymlinkTargets.Rebase(link, target));
}
