using Nvsdk.Core.Host;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Host;

public sealed class HostRootTests : IDisposable
{
    private readonly TempDir _root = new("nvsdk-hostroot-");

    public void Dispose() => _root.Dispose();

    [Fact]
    public void Resolve_AbsoluteAndRelativeLinks_StayInsideTheRoot()
    {
        FakeHostRoot.WriteFile(_root.Path, "/usr/lib/x86_64-linux-gnu/libcuda.so.580.159.04", string.Empty);
        File.CreateSymbolicLink(_root.Combine("lib"), "usr/lib");
        File.CreateSymbolicLink(_root.Combine("usr", "lib", "x86_64-linux-gnu", "libcuda.so.1"), "/lib/x86_64-linux-gnu/libcuda.so.580.159.04");

        var reader = new HostRoot(_root.Path);
        Assert.Equal("/usr/lib/x86_64-linux-gnu/libcuda.so.580.159.04", reader.Find("/lib/x86_64-linux-gnu/libcuda.so.1"));
    }

    [Fact]
    public void Resolve_DotDotPastTheRoot_StopsAtTheRoot()
    {
        FakeHostRoot.WriteFile(_root.Path, "/etc/passwd", "root:x:0:0::/root:/bin/sh\n");
        File.CreateSymbolicLink(_root.Combine("escape"), "../../../../../../etc/passwd");

        var reader = new HostRoot(_root.Path);
        Assert.Equal("/etc/passwd", reader.Find("/escape"));
        Assert.Equal("root:x:0:0::/root:/bin/sh\n", reader.ReadText("/escape"));
    }

    [Fact]
    public void Resolve_LinkLoopOrDanglingLink_IsNull()
    {
        File.CreateSymbolicLink(_root.Combine("a"), "b");
        File.CreateSymbolicLink(_root.Combine("b"), "/a");
        File.CreateSymbolicLink(_root.Combine("dangling"), "/nowhere");

        var reader = new HostRoot(_root.Path);
        Assert.Null(reader.Find("/a"));
        Assert.Null(reader.Find("/dangling"));
        Assert.False(reader.IsFile("/dangling"));
        Assert.Null(reader.ReadText("/a"));
    }

    [Fact]
    public void Locate_AbsoluteLinkOutOfTheRoot_LandsInsideIt()
    {
        File.WriteAllText(_root.Combine("outside-marker"), "x"); // stands for the machine's own file system
        Directory.CreateDirectory(_root.Combine("etc", "docker"));
        File.CreateSymbolicLink(_root.Combine("etc", "docker", "daemon.json"), "/x/daemon.json");
        var host = new HostRoot(_root.Path);

        Assert.Equal("/x/daemon.json", host.Locate("/etc/docker/daemon.json", followFinal: true));
        Assert.Equal("/etc/docker/daemon.json", host.Locate("/etc/docker/daemon.json", followFinal: false));
        Assert.Null(host.Read("/etc/docker/daemon.json")); // dangling inside the root: no "Could not find file"
        host.WriteFile(host.Locate("/etc/docker/daemon.json", followFinal: true), "{}"u8.ToArray(), "644");
        Assert.Equal("{}", File.ReadAllText(_root.Combine("x", "daemon.json")));
        Assert.Equal(HostEntryKind.Symlink, host.Inspect("/etc/docker/daemon.json").Kind); // the link is kept
    }

    [Fact]
    public void Inspect_File_RecordsBytesModeAndOwner()
    {
        var full = _root.Combine("f");
        File.WriteAllBytes(full, [0xEF, 0xBB, 0xBF, 0xFF]);
        File.SetUnixFileMode(full, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Nvsdk.Core.Platform.Posix.LChown(full, 1000, 1001);

        var entry = new HostRoot(_root.Path).Inspect("/f");
        Assert.Equal((HostEntryKind.File, "600", 1000u, 1001u), (entry.Kind, entry.Mode, entry.Uid, entry.Gid));
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF, 0xFF }, entry.Bytes);
    }
}
