using Nvsdk.Core.Errors;
using Nvsdk.Core.Oci.Layers;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Oci;

/// <summary>
/// Hostile layers are refused with the layer (its digest) and the member that carried the attack, and
/// nothing lands outside the destination, which sits two folders deep in a scratch folder so that "outside"
/// can be checked by listing.
/// </summary>
public sealed class OciImageFlattenerHostileTests : IDisposable
{
    private readonly TempDir temp = new("nvsdk-flatten-hostile-");
    private readonly string blobs;
    private readonly string dest;

    public OciImageFlattenerHostileTests()
    {
        blobs = temp.Combine("blobs");
        Directory.CreateDirectory(temp.Combine("work"));
        dest = temp.Combine("work", "dest");
    }

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task FlattenAsync_PathTraversal_Refused()
    {
        var (e, layer) = await RefusedInUpperLayerAsync(new OciLayerBuilder().File("ok", "ok").File("../../escaped", "x"));
        Assert.Equal(layer.OciDigest, e.Archive);
        Assert.Equal("../../escaped", e.Entry);
        AssertNothingOutside();
    }

    [Fact]
    public async Task FlattenAsync_AbsoluteMemberPath_Refused()
    {
        var target = $"/tmp/nvsdk-escaped-{Guid.NewGuid():N}";
        var (e, layer) = await RefusedInUpperLayerAsync(new OciLayerBuilder().File(target, "x"));
        Assert.Equal(layer.OciDigest, e.Archive);
        Assert.Equal(target, e.Entry);
        Assert.False(Path.Exists(target));
    }

    [Fact]
    public async Task FlattenAsync_RelativeSymlinkClimbingOut_ClampedAtTheRootLikeAnAbsoluteOne()
    {
        // Valid in Podman and umoci: in the container ".." at "/" stays at "/", so this is /etc, as "/../etc" is.
        var layer = new OciLayerBuilder().Dir("lib/").Symlink("lib/x", "../../../../etc").Write(blobs);
        await OciImageFlattener.FlattenAsync([layer], dest);
        Assert.Equal("../etc", new FileInfo(Path.Combine(dest, "lib", "x")).LinkTarget);
        AssertNothingOutside();
    }

    [Fact]
    public async Task FlattenAsync_SymlinkChainAcrossLayersClimbingOut_Refused()
    {
        // Each link is inside on its own; through the other layer's link, "b" is the root's parent.
        var lower = new OciLayerBuilder().Symlink("a", ".").Write(blobs);
        var upper = new OciLayerBuilder().Symlink("b", "a/..").Write(blobs);
        var e = await Assert.ThrowsAsync<UnsafeArchiveException>(() => OciImageFlattener.FlattenAsync([lower, upper], dest));
        Assert.Equal(upper.OciDigest, e.Archive);
        Assert.Equal("b", e.Entry);
    }

    [Theory]
    [InlineData("../../../../../../../../tmp")]
    [InlineData("/tmp")]
    public async Task FlattenAsync_FileWrittenThroughLowerLayersSymlink_RefusedNamingTheUpperMember(string linkTarget)
    {
        var fileName = $"nvsdk-pwned-{Guid.NewGuid():N}";
        var lower = new OciLayerBuilder().Symlink("d", linkTarget).Write(blobs);
        var upper = new OciLayerBuilder().File($"d/{fileName}", "pwned").Write(blobs);
        var e = await Assert.ThrowsAsync<UnsafeArchiveException>(() => OciImageFlattener.FlattenAsync([lower, upper], dest));
        Assert.Equal(upper.OciDigest, e.Archive);
        Assert.Equal($"d/{fileName}", e.Entry);
        Assert.False(Path.Exists(Path.Combine("/tmp", fileName)));
        AssertNothingOutside();
    }

    [Fact]
    public async Task FlattenAsync_FileWrittenThroughSymlinkOfSameLayer_Refused()
    {
        var (e, layer) = await RefusedInUpperLayerAsync(new OciLayerBuilder().Symlink("d", "..").File("d/escaped", "x"));
        Assert.Equal(layer.OciDigest, e.Archive);
        Assert.Equal("d/escaped", e.Entry);
        AssertNothingOutside();
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("../../etc/passwd")]
    public async Task FlattenAsync_HardLinkOutOfTheTree_Refused(string target)
    {
        var passwd = await File.ReadAllBytesAsync("/etc/passwd");
        var (e, layer) = await RefusedInUpperLayerAsync(new OciLayerBuilder().HardLink("h", target));
        Assert.Equal(layer.OciDigest, e.Archive);
        Assert.Equal("h", e.Entry);
        Assert.Equal(passwd, await File.ReadAllBytesAsync("/etc/passwd"));
    }

    [Theory]
    [InlineData("a/.wh.")]
    [InlineData("a/.wh..")]
    [InlineData("a/.wh...")]
    public async Task FlattenAsync_WhiteoutOfItsOwnFolderOrParent_Refused(string marker)
    {
        var (e, _) = await RefusedInUpperLayerAsync(new OciLayerBuilder().Dir("a/").File(marker, string.Empty));
        Assert.Equal(marker, e.Entry);
    }

    /// <summary>Flattens a harmless lower layer under <paramref name="upper"/>, expecting a refusal.</summary>
    private async Task<(UnsafeArchiveException Error, OciLayerFile Upper)> RefusedInUpperLayerAsync(OciLayerBuilder upper)
    {
        var layers = new[] { new OciLayerBuilder().Dir("a/").File("a/README", "harmless").Write(blobs), upper.Write(blobs) };
        var e = await Assert.ThrowsAsync<UnsafeArchiveException>(() => OciImageFlattener.FlattenAsync(layers, dest));
        return (e, layers[1]);
    }

    private void AssertNothingOutside()
    {
        Assert.Equal(["dest"], Directory.GetFileSystemEntries(temp.Combine("work")).Select(Path.GetFileName));
        Assert.Equal(["blobs", "work"], Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
