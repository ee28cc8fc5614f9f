using Nvsdk.Core.Oci.Layers;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Oci;

/// <summary>
/// Modes and mtimes: kept for `image export` (a 1777 /tmp stays 1777, a 0555 folder stays 0555, setuid/setgid
/// only when asked, and reported when taken off), normalised for store trees as for every archive.
/// </summary>
public sealed class OciImageFlattenerModesTests : IDisposable
{
    private readonly TempDir temp = new("nvsdk-flatten-modes-");

    public void Dispose()
    {
        if (Directory.Exists(Dest))
        {
            foreach (var dir in Directory.EnumerateDirectories(Dest, "*", SearchOption.AllDirectories).Prepend(Dest))
            {
                File.SetUnixFileMode(dir, Mode("0755")); // 0555 folders, for a non-root run
            }
        }

        temp.Dispose();
    }

    private string Dest => temp.Combine("tree");

    [Fact]
    public async Task FlattenAsync_Kept_PermissionBitsStickyAndMtimesAsTheLayerSays_SetIdStrippedAndReported()
    {
        var result = await FlattenAsync(FileModes.Kept, ImageWithModes());

        Assert.Equal(Mode("1777"), ModeOf("tmp"));
        Assert.Equal(Mode("0555"), ModeOf("ro"));
        Assert.Equal(Mode("0444"), ModeOf("ro/f"));
        Assert.Equal(Mode("0640"), ModeOf("etc/shadow"));
        Assert.Equal(Mode("0755"), ModeOf("bin/su"));
        Assert.Equal(Mode("0711"), ModeOf("bin/wall"));
        Assert.Equal(
            [new StrippedSetId("bin/su", Mode("4755"), Mode("0755")), new StrippedSetId("bin/wall", Mode("2711"), Mode("0711"))],
            result.Stripped);
        Assert.Equal(["setuid", "setgid"], result.Stripped.Select(s => s.Bits));
        foreach (var path in new[] { "tmp", "ro", "ro/f", "etc", "etc/shadow", "bin/su" })
        {
            Assert.Equal(OciLayerBuilder.Epoch.UtcDateTime, File.GetLastWriteTimeUtc(Path.Combine(Dest, path)));
        }
    }

    [Fact]
    public async Task FlattenAsync_KeptWithSetId_KeepsSetuidAndSetgid()
    {
        var result = await FlattenAsync(FileModes.KeptWithSetId, ImageWithModes());

        Assert.Equal(Mode("4755"), ModeOf("bin/su"));
        Assert.Equal(Mode("2711"), ModeOf("bin/wall"));
        Assert.Equal(Mode("1777"), ModeOf("tmp"));
        Assert.Empty(result.Stripped);
    }

    [Fact]
    public async Task FlattenAsync_Normalized_0755Or0644AndTheEpoch()
    {
        var result = await FlattenAsync(FileModes.Normalized, ImageWithModes());

        Assert.Equal(Mode("0755"), ModeOf("bin/su"));
        Assert.Equal(Mode("0644"), ModeOf("etc/shadow"));
        Assert.Equal(Mode("0644"), ModeOf("ro/f"));
        Assert.Equal(0, (int)(ModeOf("tmp") & UnixFileMode.StickyBit));
        Assert.Empty(result.Stripped);
        Assert.Equal(DateTime.UnixEpoch.AddSeconds(1), File.GetLastWriteTimeUtc(Path.Combine(Dest, "bin/su")));
    }

    [Fact]
    public async Task FlattenAsync_Kept_TheTopmostLayersModeWins()
    {
        var result = await FlattenAsync(
            FileModes.Kept,
            new OciLayerBuilder().Dir("tmp/").File("bin/tool", "old", Mode("0600")),
            new OciLayerBuilder().Dir("tmp/", Mode("1777")).File("bin/tool", "new", Mode("0755")));

        Assert.Equal(Mode("1777"), ModeOf("tmp"));
        Assert.Equal(Mode("0755"), ModeOf("bin/tool"));
        Assert.Equal("new", File.ReadAllText(Path.Combine(Dest, "bin/tool")));
        Assert.Empty(result.Stripped);
    }

    private static OciLayerBuilder ImageWithModes() => new OciLayerBuilder()
        .Dir("tmp/", Mode("1777"))
        .Dir("ro/", Mode("0555"))
        .File("ro/f", "read only", Mode("0444"))
        .Dir("etc/")
        .File("etc/shadow", "root:*:", Mode("0640"))
        .Dir("bin/")
        .File("bin/su", "setuid", Mode("4755"))
        .File("bin/wall", "setgid", Mode("2711"));

    private async Task<FlattenResult> FlattenAsync(FileModes modes, params OciLayerBuilder[] layers) =>
        await OciImageFlattener.FlattenAsync([.. layers.Select(l => l.Write(temp.Combine("blobs")))], Dest, modes: modes);

    private UnixFileMode ModeOf(string path) => File.GetUnixFileMode(Path.Combine(Dest, path));

    private static UnixFileMode Mode(string octal) => (UnixFileMode)Convert.ToInt32(octal, 8);
}
