using Nvsdk.Core.Host.Cdi;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Host.Cdi;

public sealed class HostRootReaderTests : IDisposable
{
    private readonly TempDir _root = new("nvsdk-hostroot-");

    public void Dispose() => _root.Dispose();

    [Fact]
    public void Resolve_AbsoluteAndRelativeLinks_StayInsideTheRoot()
    {
        FakeHostRoot.WriteFile(_root.Path, "/usr/lib/x86_64-linux-gnu/libcuda.so.580.159.04", string.Empty);
        File.CreateSymbolicLink(_root.Combine("lib"), "usr/lib");
        File.CreateSymbolicLink(_root.Combine("usr", "lib", "x86_64-linux-gnu", "libcuda.so.1"), "/lib/x86_64-linux-gnu/libcuda.so.580.159.04");

        var reader = new HostRootReader(_root.Path);
        Assert.Equal("/usr/lib/x86_64-linux-gnu/libcuda.so.580.159.04", reader.Resolve("/lib/x86_64-linux-gnu/libcuda.so.1"));
    }

    [Fact]
    public void Resolve_DotDotPastTheRoot_StopsAtTheRoot()
    {
        FakeHostRoot.WriteFile(_root.Path, "/etc/passwd", "root:x:0:0::/root:/bin/sh\n");
        File.CreateSymbolicLink(_root.Combine("escape"), "../../../../../../etc/passwd");

        var reader = new HostRootReader(_root.Path);
        Assert.Equal("/etc/passwd", reader.Resolve("/escape"));
        Assert.Equal("root:x:0:0::/root:/bin/sh\n", reader.ReadText("/escape"));
    }

    [Fact]
    public void Resolve_LinkLoopOrDanglingLink_IsNull()
    {
        File.CreateSymbolicLink(_root.Combine("a"), "b");
        File.CreateSymbolicLink(_root.Combine("b"), "/a");
        File.CreateSymbolicLink(_root.Combine("dangling"), "/nowhere");

        var reader = new HostRootReader(_root.Path);
        Assert.Null(reader.Resolve("/a"));
        Assert.Null(reader.Resolve("/dangling"));
        Assert.False(reader.IsFile("/dangling"));
        Assert.Null(reader.ReadText("/a"));
    }
}
