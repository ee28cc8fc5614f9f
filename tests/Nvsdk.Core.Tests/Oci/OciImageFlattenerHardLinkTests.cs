using System.Formats.Tar;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Oci;
using Nvsdk.Core.Oci.Layers;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Oci;

/// <summary>
/// Hard links keep the content their target had in the link's own layer, as a container sees them, even
/// when an upper layer overwrites or deletes that target (go-containerregistry issues 977 and 2002, where
/// <c>crane export</c> emits a dangling or wrong link). Links stay links inside the tree (<c>#n</c> in the listing).
/// </summary>
public sealed class OciImageFlattenerHardLinkTests : IDisposable
{
    private readonly TempDir temp = new("nvsdk-flatten-links-");

    public void Dispose() => temp.Dispose();

    private string Blobs => temp.Combine("blobs");

    private string Dest => temp.Combine("tree");

    [Fact]
    public async Task FlattenAsync_LinkInSameLayer_StaysAHardLink()
    {
        var tree = await FlattenAsync(new OciLayerBuilder().Dir("bin/").File("bin/busybox", "bb").HardLink("bin/sh", "bin/busybox").HardLink("bin/ls", "./bin/busybox"));
        Assert.Equal(["bin/", "bin/busybox = bb #1", "bin/ls = bb #1", "bin/sh = bb #1"], tree);
    }

    [Fact]
    public async Task FlattenAsync_LinkToLowerLayerFile_LinksToIt()
    {
        var tree = await FlattenAsync(
            new OciLayerBuilder().Dir("bin/").File("bin/busybox", "bb"),
            new OciLayerBuilder().Dir("usr/").HardLink("usr/sh", "bin/busybox"));
        Assert.Equal(["bin/", "bin/busybox = bb #1", "usr/", "usr/sh = bb #1"], tree);
    }

    [Fact]
    public async Task FlattenAsync_LinkBeforeItsTargetInOneLayer_Linked()
    {
        var tree = await FlattenAsync(new OciLayerBuilder().HardLink("h", "later").File("later", "later"));
        Assert.Equal(["h = later #1", "later = later #1"], tree);
    }

    [Fact]
    public async Task FlattenAsync_TargetWhitedOutByUpperLayer_LinkKeepsTheContent()
    {
        // docker: touch A; ln A Z / rm A. Extract leaves Z dangling; the container still has Z.
        var tree = await FlattenAsync(
            new OciLayerBuilder().File("LINK-A", "data").HardLink("LINK-Z", "LINK-A").HardLink("LINK-Y", "LINK-A"),
            new OciLayerBuilder().Whiteout("LINK-A"));
        Assert.Equal(["LINK-Y = data #1", "LINK-Z = data #1"], tree);
    }

    [Fact]
    public async Task FlattenAsync_TargetOverwrittenByUpperLayer_LinksKeepTheOldContent()
    {
        // go-containerregistry issue 2002: echo 123 > t2; ln t2 t1 && ln t2 t3; echo 456 > t1 (the copy-up breaks the link).
        var tree = await FlattenAsync(
            new OciLayerBuilder().File("t2", "123"),
            new OciLayerBuilder().File("t1", "123").HardLink("t2", "t1").HardLink("t3", "t1"),
            new OciLayerBuilder().File("t1", "456"));
        Assert.Equal(["t1 = 456", "t2 = 123 #1", "t3 = 123 #1"], tree);
    }

    [Fact]
    public async Task FlattenAsync_LinkInUpperLayerToLowerFileWhitedOutBetween_TakesTheNearestFileBelow()
    {
        var tree = await FlattenAsync(
            new OciLayerBuilder().Dir("lib/").File("lib/libfoo.so.1", "v1").File("lib/libbar.so", "bar"),
            new OciLayerBuilder().Whiteout("lib/libfoo.so.1"),
            new OciLayerBuilder().HardLink("lib/libfoo.so", "lib/libfoo.so.1").HardLink("lib/bar", "lib/libbar.so"));
        Assert.Equal(["lib/", "lib/bar = bar #1", "lib/libbar.so = bar #1", "lib/libfoo.so = v1"], tree);
    }

    [Fact]
    public async Task FlattenAsync_ChainOfLinksAcrossLayers_OneInode()
    {
        var tree = await FlattenAsync(
            new OciLayerBuilder().File("a", "a"),
            new OciLayerBuilder().HardLink("b", "a"),
            new OciLayerBuilder().HardLink("c", "b").Whiteout("a"));
        Assert.Equal(["b = a #1", "c = a #1"], tree);
    }

    [Fact]
    public async Task FlattenAsync_LinkToSymlink_BecomesASymlinkWithTheSameTarget()
    {
        var tree = await FlattenAsync(new OciLayerBuilder().Dir("lib/").File("lib/libz.so.1", "z").Symlink("lib/libz.so", "/lib/libz.so.1").Dir("usr/").HardLink("usr/libz.so", "lib/libz.so"));
        Assert.Equal(["lib/", "lib/libz.so -> libz.so.1", "lib/libz.so.1 = z", "usr/", "usr/libz.so -> ../lib/libz.so.1"], tree);
    }

    [Fact]
    public async Task FlattenAsync_LinkToDevice_SkippedAndReported()
    {
        var layer = new OciLayerBuilder().Special(TarEntryType.CharacterDevice, "null").HardLink("null2", "null").Write(Blobs);
        var result = await OciImageFlattener.FlattenAsync([layer], Dest);
        Assert.Equal(["null", "null2"], result.Skipped.Select(s => s.Path));
        Assert.Empty(await FlattenedTree.ListAsync(Dest));
    }

    [Fact]
    public async Task FlattenAsync_HiddenLink_NotMade()
    {
        var tree = await FlattenAsync(
            new OciLayerBuilder().File("a", "a").HardLink("b", "a"),
            new OciLayerBuilder().Whiteout("b"));
        Assert.Equal(["a = a"], tree);
    }

    [Fact]
    public async Task FlattenAsync_LinkToNothing_RefusedNamingLayerAndMember()
    {
        var layers = new[] { new OciLayerBuilder().File("a", "a").Write(Blobs), new OciLayerBuilder().HardLink("h", "missing").Write(Blobs) };
        var e = await Assert.ThrowsAsync<UnsafeArchiveException>(() => OciImageFlattener.FlattenAsync(layers, Dest));
        Assert.Equal(layers[1].OciDigest, e.Archive);
        Assert.Equal("h", e.Entry);
    }

    [Fact]
    public async Task FlattenAsync_LinkToFolder_Refused()
    {
        var layer = new OciLayerBuilder().Dir("d/").HardLink("h", "d").Write(Blobs);
        var e = await Assert.ThrowsAsync<UnsafeArchiveException>(() => OciImageFlattener.FlattenAsync([layer], Dest));
        Assert.Equal("h", e.Entry);
    }

    [Fact]
    public async Task FlattenAsync_ManyHiddenSourcesInZstdLayer_EachLinkGetsItsOwnContent()
    {
        var lower = new OciLayerBuilder();
        var upper = new OciLayerBuilder();
        for (var i = 0; i < 20; i++)
        {
            lower.File($"f{i:D2}", $"content {i}").HardLink($"l{i:D2}", $"f{i:D2}");
            upper.Whiteout($"f{i:D2}");
        }

        var layers = new[] { lower.Write(Blobs, OciMediaTypes.OciLayerZstd), upper.Write(Blobs) };
        await OciImageFlattener.FlattenAsync(layers, Dest);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"l{i:D2} = content {i}"), await FlattenedTree.ListAsync(Dest));
    }

    private async Task<string[]> FlattenAsync(params OciLayerBuilder[] layers)
    {
        var files = layers.Select(l => l.Write(Blobs)).ToList();
        await OciImageFlattener.FlattenAsync(files, Dest);
        return await FlattenedTree.ListAsync(Dest);
    }
}
