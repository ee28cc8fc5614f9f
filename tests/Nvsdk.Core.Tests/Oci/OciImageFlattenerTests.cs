using System.Formats.Tar;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Oci;
using Nvsdk.Core.Oci.Layers;
using Nvsdk.Core.Unpack;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Oci;

/// <summary>
/// The layer rules, each checked against the exact tree: every path, its kind, content and link target.
/// Layers are listed bottom first, as in an image manifest.
/// </summary>
public sealed class OciImageFlattenerTests : IDisposable
{
    private readonly TempDir temp = new("nvsdk-flatten-");

    public void Dispose() => temp.Dispose();

    private string Blobs => temp.Combine("blobs");

    private string Dest => temp.Combine("tree");

    [Fact]
    public async Task FlattenAsync_FileInUpperLayer_ReplacesLowerOne()
    {
        var tree = await FlattenAsync(
            new OciLayerBuilder().Dir("etc/").File("etc/a", "old").File("etc/b", "kept"),
            new OciLayerBuilder().Dir("etc/").File("etc/a", "new"));
        Assert.Equal(["etc/", "etc/a = new", "etc/b = kept"], tree);
    }

    [Fact]
    public async Task FlattenAsync_WhiteoutOfFile_HidesItAndLeavesTheMarkerOut()
    {
        var tree = await FlattenAsync(
            new OciLayerBuilder().Dir("a/").File("a/x", "x").File("a/y", "y"),
            new OciLayerBuilder().Dir("a/").Whiteout("a/x"));
        Assert.Equal(["a/", "a/y = y"], tree);
    }

    [Fact]
    public async Task FlattenAsync_WhiteoutOfFolder_HidesEverythingBelowIt()
    {
        var tree = await FlattenAsync(
            new OciLayerBuilder().Dir("a/").Dir("a/b/").File("a/b/c", "c").File("d", "d"),
            new OciLayerBuilder().Whiteout("a"),
            new OciLayerBuilder().Dir("a/").File("a/new", "new"));
        Assert.Equal(["a/", "a/new = new", "d = d"], tree);
    }

    [Fact]
    public async Task FlattenAsync_WhiteoutInSameLayer_DoesNotHideThatLayersOwnMember()
    {
        // "Files that are present in the same layer as a whiteout file can only be hidden by whiteout files in subsequent layers."
        var tree = await FlattenAsync(
            new OciLayerBuilder().File("f", "old"),
            new OciLayerBuilder().File("f", "new").Whiteout("f"));
        Assert.Equal(["f = new"], tree);
    }

    [Fact]
    public async Task FlattenAsync_FolderNamedLikeAMarker_ActsAsTheMarkerAndItsContentIsLeftOut()
    {
        var tree = await FlattenAsync(
            new OciLayerBuilder().Dir("foo/").File("foo/x", "x").File("kept", "k"),
            new OciLayerBuilder().Dir(".wh.foo/").File(".wh.foo/bar", "bar"));
        Assert.Equal(["kept = k"], tree);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task FlattenAsync_OpaqueFolder_HidesLowerContentButKeepsFolderAndOwnMembers(bool markerFirst)
    {
        var upper = new OciLayerBuilder().Dir("a/");
        upper = markerFirst
            ? upper.Opaque("a").Dir("a/b/").File("a/b/new", "new")
            : upper.Dir("a/b/").File("a/b/new", "new").Opaque("a"); // the spec: applied first wherever it sits
        var tree = await FlattenAsync(
            new OciLayerBuilder().Dir("a/").File("a/old", "old").Dir("a/b/").File("a/b/old", "old").File("top", "top"),
            upper);
        Assert.Equal(["a/", "a/b/", "a/b/new = new", "top = top"], tree);
    }

    [Fact]
    public async Task FlattenAsync_OpaqueRoot_HidesEveryLowerLayer()
    {
        var tree = await FlattenAsync(
            new OciLayerBuilder().File("old", "old"),
            new OciLayerBuilder().Opaque(string.Empty).File("new", "new"));
        Assert.Equal(["new = new"], tree);
    }

    [Fact]
    public async Task FlattenAsync_FolderReplacedByFile_KeepsOnlyTheFile()
    {
        var tree = await FlattenAsync(
            new OciLayerBuilder().Dir("a/").File("a/x", "x"),
            new OciLayerBuilder().File("a", "file"));
        Assert.Equal(["a = file"], tree);
    }

    [Fact]
    public async Task FlattenAsync_FileReplacedByFolder_KeepsOnlyTheFolder()
    {
        var tree = await FlattenAsync(
            new OciLayerBuilder().File("a", "file"),
            new OciLayerBuilder().Dir("a/").File("a/x", "x"));
        Assert.Equal(["a/", "a/x = x"], tree);
    }

    [Fact]
    public async Task FlattenAsync_FolderReplacedByFileThenByFolder_LowestContentStaysGone()
    {
        // The middle file removed the bottom folder with everything in it; the top folder starts afresh.
        var tree = await FlattenAsync(
            new OciLayerBuilder().Dir("a/").File("a/bottom", "bottom"),
            new OciLayerBuilder().File("a", "middle"),
            new OciLayerBuilder().Dir("a/").File("a/top", "top"));
        Assert.Equal(["a/", "a/top = top"], tree);
    }

    [Fact]
    public async Task FlattenAsync_FolderInSeveralLayers_Merges()
    {
        var tree = await FlattenAsync(
            new OciLayerBuilder().Dir("usr/").Dir("usr/lib/").File("usr/lib/a", "a"),
            new OciLayerBuilder().File("usr/lib/b", "b"), // no folder entries: implied
            new OciLayerBuilder().Dir("usr/").Dir("usr/lib/").File("usr/lib/c", "c"));
        Assert.Equal(["usr/", "usr/lib/", "usr/lib/a = a", "usr/lib/b = b", "usr/lib/c = c"], tree);
    }

    [Fact]
    public async Task FlattenAsync_SymlinkReplacedByNamedFolder_FolderWins()
    {
        // rm /var/run && mkdir /var/run: the upper layer names the folder, so the lower symlink is simply gone.
        var tree = await FlattenAsync(
            new OciLayerBuilder().Dir("run/").File("run/pid", "1").Dir("var/").Symlink("var/run", "../run"),
            new OciLayerBuilder().Dir("var/").Dir("var/run/").File("var/run/own", "own"));
        Assert.Equal(["run/", "run/pid = 1", "var/", "var/run/", "var/run/own = own"], tree);
    }

    [Fact]
    public async Task FlattenAsync_PathUnderUpperSymlink_IsHidden()
    {
        // The symlink replaced the lower folder; nothing is written through it.
        var tree = await FlattenAsync(
            new OciLayerBuilder().Dir("lib/").File("lib/old", "old").Dir("usr/").Dir("usr/lib/").File("usr/lib/x", "x"),
            new OciLayerBuilder().Symlink("lib", "usr/lib"));
        Assert.Equal(["lib -> usr/lib", "usr/", "usr/lib/", "usr/lib/x = x"], tree);
    }

    [Fact]
    public async Task FlattenAsync_AbsoluteSymlinks_BecomeRelativeInsideTheTree()
    {
        var dest = Dest;
        var tree = await FlattenAsync(
            new OciLayerBuilder()
                .Dir("usr/").Dir("usr/share/").Dir("usr/share/zoneinfo/").Dir("usr/share/zoneinfo/Etc/")
                .File("usr/share/zoneinfo/Etc/UTC", "TZif")
                .Dir("usr/lib/").File("usr/lib/libz.so.1", "z")
                .Symlink("usr/lib/libz.so", "/usr/lib/libz.so.1")
                .Symlink("usr/lib/root", "/")
                .Symlink("bin", "usr/bin"),
            new OciLayerBuilder().Dir("etc/").Symlink("etc/localtime", "/usr/share/zoneinfo/Etc/UTC"));
        Assert.Equal(
            [
                "bin -> usr/bin",
                "etc/",
                "etc/localtime -> ../usr/share/zoneinfo/Etc/UTC",
                "usr/",
                "usr/lib/",
                "usr/lib/libz.so -> libz.so.1",
                "usr/lib/libz.so.1 = z",
                "usr/lib/root -> ../..",
                "usr/share/",
                "usr/share/zoneinfo/",
                "usr/share/zoneinfo/Etc/",
                "usr/share/zoneinfo/Etc/UTC = TZif",
            ],
            tree);
        Assert.Equal("TZif", await File.ReadAllTextAsync(Path.Combine(dest, "etc/localtime")));
    }

    [Fact]
    public async Task FlattenAsync_DeviceNodesAndFifos_SkippedAndReported()
    {
        var layers = new[]
        {
            new OciLayerBuilder().Dir("dev/").Special(TarEntryType.CharacterDevice, "dev/null").Special(TarEntryType.BlockDevice, "dev/sda").File("dev/keep", "k").Write(Blobs),
            new OciLayerBuilder().Special(TarEntryType.Fifo, "run/fifo").Write(Blobs, OciMediaTypes.OciLayerZstd),
        };
        var result = await OciImageFlattener.FlattenAsync(layers, Dest);
        Assert.Equal(["dev/", "dev/keep = k", "run/"], await FlattenedTree.ListAsync(Dest));
        Assert.Equal(
            [
                new SkippedLayerEntry("dev/null", TarEntryType.CharacterDevice, layers[0].Digest),
                new SkippedLayerEntry("dev/sda", TarEntryType.BlockDevice, layers[0].Digest),
                new SkippedLayerEntry("run/fifo", TarEntryType.Fifo, layers[1].Digest),
            ],
            result.Skipped);
    }

    [Fact]
    public async Task FlattenAsync_DeviceNodeWhitedOut_NotReported()
    {
        var layers = new[]
        {
            new OciLayerBuilder().Special(TarEntryType.CharacterDevice, "null").Write(Blobs),
            new OciLayerBuilder().Whiteout("null").Write(Blobs),
        };
        var result = await OciImageFlattener.FlattenAsync(layers, Dest);
        Assert.Empty(result.Skipped);
        Assert.Empty(await FlattenedTree.ListAsync(Dest));
    }

    [Fact]
    public async Task FlattenAsync_PlainGzipZstdAndDockerLayers_Mixed()
    {
        var layers = new[]
        {
            new OciLayerBuilder().Dir("a/").File("a/base", "base").File("a/plain", "plain").File("a/over", "plain").Write(Blobs, OciMediaTypes.OciLayerTar),
            new OciLayerBuilder().File("a/gzip", "gzip").File("a/over", "gzip").Write(Blobs, OciMediaTypes.OciLayerGzip),
            new OciLayerBuilder().File("a/zstd", "zstd").Whiteout("a/plain").Write(Blobs, OciMediaTypes.OciLayerZstd),
            new OciLayerBuilder().File("a/docker", "docker").Write(Blobs, OciMediaTypes.DockerLayerGzip),
        };
        await OciImageFlattener.FlattenAsync(layers, Dest);
        Assert.Equal(["a/", "a/base = base", "a/docker = docker", "a/gzip = gzip", "a/over = gzip", "a/zstd = zstd"], await FlattenedTree.ListAsync(Dest));
    }

    [Fact]
    public async Task FlattenAsync_Modes_ExecKeptSpecialBitsDropped()
    {
        var tree = await FlattenAsync(new OciLayerBuilder()
            .File("suid", "s", UnixFileMode.SetUser | (UnixFileMode)0b111_101_101)
            .File("plain", "p", UnixFileMode.SetGroup | (UnixFileMode)0b110_110_110));
        Assert.Equal(["plain = p", "suid* = s"], tree);
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(Path.Combine(Dest, "suid")));
        Assert.Equal((UnixFileMode)0b110_100_100, File.GetUnixFileMode(Path.Combine(Dest, "plain")));
    }

    [Fact]
    public async Task FlattenAsync_Manifest_MatchesWhatIsOnDisk()
    {
        var layers = new[]
        {
            new OciLayerBuilder().Dir("bin/").File("bin/busybox", "bb", (UnixFileMode)0b111_101_101).HardLink("bin/sh", "bin/busybox").Symlink("bin/ls", "/bin/busybox").Write(Blobs),
            new OciLayerBuilder().Whiteout("bin/busybox").Write(Blobs, OciMediaTypes.OciLayerZstd),
        };
        var result = await OciImageFlattener.FlattenAsync(layers, Dest);
        var onDisk = await TreeManifest.ReadAsync(Dest);
        Assert.Equal(onDisk.Digest(), result.Manifest.Digest());
        Assert.Equal(["bin/", "bin/ls -> busybox", "bin/sh* = bb"], await FlattenedTree.ListAsync(Dest));
    }

    [Fact]
    public async Task FlattenAsync_NoLayers_EmptyTree()
    {
        var result = await OciImageFlattener.FlattenAsync([], Dest);
        Assert.Equal(0, result.Manifest.Count);
        Assert.Empty(await FlattenedTree.ListAsync(Dest));
    }

    [Theory]
    [InlineData("application/vnd.oci.image.layer.v1.tar+bzip2", "not an image layer")]
    [InlineData("application/vnd.oci.image.config.v1+json", "not an image layer")]
    [InlineData("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", "non-distributable")]
    [InlineData("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", "non-distributable")]
    public async Task FlattenAsync_UnsupportedMediaType_RefusedNamingTheLayerBeforeWritingAnything(string mediaType, string reason)
    {
        var good = new OciLayerBuilder().File("f", "f").Write(Blobs);
        var bad = new OciLayerBuilder().File("g", "g").Write(Blobs) with { MediaType = mediaType };
        var e = await Assert.ThrowsAsync<UnsupportedLayerException>(() => OciImageFlattener.FlattenAsync([bad, good], Dest));
        Assert.Equal(bad.Digest, e.Layer);
        Assert.Equal(mediaType, e.MediaType);
        Assert.StartsWith(reason, e.Reason, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Dest));
    }

    [Fact]
    public async Task FlattenAsync_LayerNotMatchingItsDigest_Refused()
    {
        var layer = new OciLayerBuilder().File("f", "f").Write(Blobs);
        var other = new OciLayerBuilder().File("g", "g").Write(Blobs);
        var e = await Assert.ThrowsAsync<DigestMismatchException>(() => OciImageFlattener.FlattenAsync([layer with { Digest = other.Digest }], Dest));
        Assert.Equal(other.Digest, e.Expected);
        Assert.Equal(layer.Digest, e.Actual);
    }

    [Fact]
    public async Task FlattenAsync_MediaTypeSaysZstdButBlobIsGzip_CorruptLayerNamed()
    {
        var layer = new OciLayerBuilder().File("f", "f").Write(Blobs, OciMediaTypes.OciLayerGzip) with { MediaType = OciMediaTypes.OciLayerZstd };
        var e = await Assert.ThrowsAsync<NvsdkException>(() => OciImageFlattener.FlattenAsync([layer], Dest));
        Assert.Equal(ErrorCode.InvalidInput, e.Code);
        Assert.Contains(layer.OciDigest, e.Message, StringComparison.Ordinal);
    }

    private async Task<string[]> FlattenAsync(params OciLayerBuilder[] layers)
    {
        var files = layers.Select(l => l.Write(Blobs)).ToList();
        await OciImageFlattener.FlattenAsync(files, Dest);
        return await FlattenedTree.ListAsync(Dest);
    }
}
