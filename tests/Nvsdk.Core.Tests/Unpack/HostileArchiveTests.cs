using Nvsdk.Core.Errors;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Unpack;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Unpack;

/// <summary>
/// Every attack in <see cref="HostileArchives"/> is refused with the member that carried it, and nothing
/// appears outside the destination (the store deletes the destination itself after a failure). The
/// destination sits two folders deep in a scratch folder, so "outside" is checked by listing that folder
/// before and after, plus the absolute targets an attack aims at.
/// </summary>
public sealed class HostileArchiveTests : IDisposable
{
    private static readonly string Top = HostileArchives.Top;

    private readonly TempDir temp = new("nvsdk-hostile-");
    private readonly string archives;
    private readonly string dest;

    public HostileArchiveTests()
    {
        archives = temp.Combine("archives");
        Directory.CreateDirectory(temp.Combine("work"));
        dest = temp.Combine("work", "dest");
    }

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task UnpackAsync_PathTraversal_Refused()
    {
        var archive = HostileArchives.PathTraversal(archives);
        var e = await RefusedAsync(archive);
        Assert.Equal($"{Top}/../../escaped", e.Entry);
        Assert.False(Path.Exists(temp.Combine("work", "escaped")));
        Assert.False(Path.Exists(temp.Combine("escaped")));
    }

    [Fact]
    public async Task UnpackAsync_AbsolutePath_Refused()
    {
        var target = $"/tmp/nvsdk-escaped-{Guid.NewGuid():N}";
        var archive = HostileArchives.AbsolutePath(archives, target);
        var e = await RefusedAsync(archive);
        Assert.Equal(target, e.Entry);
        Assert.False(Path.Exists(target));
    }

    [Fact]
    public async Task UnpackAsync_SymlinkEscape_Refused()
    {
        var e = await RefusedAsync(HostileArchives.SymlinkEscape(archives));
        Assert.Equal($"{Top}/lib/x", e.Entry);
        AssertNotInDestination("lib/x");
    }

    [Fact]
    public async Task UnpackAsync_SymlinkAbsolute_Refused()
    {
        var e = await RefusedAsync(HostileArchives.SymlinkAbsolute(archives));
        Assert.Equal($"{Top}/passwd", e.Entry);
        AssertNotInDestination("passwd");
    }

    [Fact]
    public async Task UnpackAsync_SymlinkChainEscape_Refused()
    {
        var e = await RefusedAsync(HostileArchives.SymlinkChainEscape(archives));
        Assert.Equal($"{Top}/b", e.Entry);
        AssertNotInDestination("b");
    }

    [Fact]
    public async Task UnpackAsync_SymlinkThroughLinkedFolderToExistingPlace_Refused()
    {
        // Lexically inside; the kernel's resolution (the realpath check) shows it is the root's parent.
        var e = await RefusedAsync(HostileArchives.SymlinkThroughLinkedFolder(archives, string.Empty));
        Assert.Equal($"{Top}/s", e.Entry);
    }

    [Fact]
    public async Task UnpackAsync_SymlinkThroughLinkedFolderToMissingPlace_Refused()
    {
        var name = $"nvsdk-escaped-{Guid.NewGuid():N}";
        var e = await RefusedAsync(HostileArchives.SymlinkThroughLinkedFolder(archives, name));
        Assert.Equal($"{Top}/s", e.Entry);
        Assert.False(Path.Exists(temp.Combine("work", name)));
    }

    [Theory]
    [InlineData("/tmp", "d")] // refused as soon as the absolute link is seen
    [InlineData("../../../../../../../../../../../../tmp", "d/FILE")] // a relative link: refused at the write through it
    public async Task UnpackAsync_WriteThroughSymlink_Refused(string linkTarget, string badMember)
    {
        var fileName = $"nvsdk-pwned-{Guid.NewGuid():N}";
        var archive = HostileArchives.WriteThroughSymlink(archives, linkTarget, fileName);
        var e = await RefusedAsync(archive);
        Assert.Equal($"{Top}/{badMember.Replace("FILE", fileName, StringComparison.Ordinal)}", e.Entry);
        Assert.False(Path.Exists(Path.Combine("/tmp", fileName)));
        AssertNotInDestination("d");
    }

    [Fact]
    public async Task UnpackAsync_HardLinkEscape_Refused()
    {
        var passwd = await File.ReadAllBytesAsync("/etc/passwd");
        await RefusedAsync(HostileArchives.HardLinkEscape(archives));
        AssertNotInDestination("h");
        Assert.Equal(passwd, await File.ReadAllBytesAsync("/etc/passwd"));
    }

    [Fact]
    public async Task UnpackAsync_HardLinkEscape_EntryNamesTheMember()
    {
        var e = await RefusedAsync(HostileArchives.HardLinkEscape(archives));
        Assert.Equal($"{Top}/h", e.Entry);
    }

    [Fact]
    public async Task UnpackAsync_HardLinkToLaterFile_Refused()
    {
        var e = await RefusedAsync(HostileArchives.HardLinkToLater(archives));
        Assert.Equal($"{Top}/h", e.Entry);
        AssertNotInDestination("h");
    }

    [Fact]
    public async Task UnpackAsync_CharacterDevice_Refused()
    {
        var e = await RefusedAsync(HostileArchives.CharacterDevice(archives));
        Assert.Equal($"{Top}/dev/mem", e.Entry);
        AssertNotInDestination("dev/mem");
    }

    [Fact]
    public async Task UnpackAsync_BlockDevice_Refused()
    {
        var e = await RefusedAsync(HostileArchives.BlockDevice(archives));
        Assert.Equal($"{Top}/dev/sda", e.Entry);
        AssertNotInDestination("dev/sda");
    }

    [Fact]
    public async Task UnpackAsync_Fifo_Refused()
    {
        var e = await RefusedAsync(HostileArchives.Fifo(archives));
        Assert.Equal($"{Top}/fifo", e.Entry);
        AssertNotInDestination("fifo");
    }

    [Fact]
    public async Task UnpackAsync_SetuidAndSetgid_AcceptedWithoutTheBits()
    {
        var manifest = await ArchiveUnpacker.UnpackAsync(HostileArchives.Setuid(archives), ArtifactFormat.TarGz, dest);
        foreach (var name in new[] { "bin/suid", "bin/sgid" })
        {
            Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(Path.Combine(dest, name)));
            Assert.True(manifest.TryGet(name, out var item));
            Assert.True(item.Executable);
        }
    }

    [Fact]
    public async Task UnpackAsync_RatioBomb_RefusedPastTheGrace()
    {
        // 300 MiB of zeros in a few hundred KiB: past the default 256 MiB grace the ratio (> 200) gives it away.
        var archive = HostileArchives.Bomb(archives);
        Assert.True(new FileInfo(archive).Length < 2 << 20);
        var e = await RefusedAsync(archive);
        Assert.Equal($"{Top}/zeros", e.Entry);
        Assert.True(new FileInfo(Path.Combine(dest, "zeros")).Length <= new UnpackLimits().RatioGraceBytes);
    }

    [Fact]
    public async Task UnpackAsync_BombOverMaxTotalBytes_RefusedBeforeWriting()
    {
        var archive = HostileArchives.Bomb(archives, 2 << 20);
        var e = await RefusedAsync(archive, new UnpackLimits { MaxTotalBytes = 1 << 20 });
        Assert.Equal($"{Top}/zeros", e.Entry);
        AssertNotInDestination("zeros"); // the declared size alone gives it away
    }

    [Fact]
    public async Task UnpackAsync_SmallBombWithSmallGrace_RefusedOnRatio()
    {
        var archive = HostileArchives.Bomb(archives, 4 << 20);
        var e = await RefusedAsync(archive, new UnpackLimits { RatioGraceBytes = 1 << 20 });
        Assert.Equal($"{Top}/zeros", e.Entry);
        Assert.True(new FileInfo(Path.Combine(dest, "zeros")).Length < 4 << 20);
    }

    [Fact]
    public async Task UnpackAsync_TooManyEntries_Refused()
    {
        // README, then evil-1.0/bin/, then two files: the fourth member is one too many.
        var e = await RefusedAsync(HostileArchives.Setuid(archives), new UnpackLimits { MaxEntries = 3 });
        Assert.Equal($"{Top}/bin/suid", e.Entry);
    }

    [Fact]
    public async Task UnpackAsync_TwoTopFolders_Refused()
    {
        var e = await RefusedAsync(HostileArchives.TwoTopFolders(archives));
        Assert.Equal("b/y", e.Entry);
    }

    [Fact]
    public async Task UnpackAsync_DuplicateWithDifferentBytes_ThrowsAndKeepsTheFirst()
    {
        var archive = HostileArchives.DuplicateDifferent(archives);
        var before = Outside();
        await Assert.ThrowsAsync<NvsdkException>(() => ArchiveUnpacker.UnpackAsync(archive, ArtifactFormat.TarGz, dest));
        Assert.Equal(before, Outside());
        Assert.Equal("one\n", await File.ReadAllTextAsync(Path.Combine(dest, "f")));
    }

    [Fact]
    public async Task UnpackAsync_DuplicateWithSameBytes_Accepted()
    {
        var manifest = await ArchiveUnpacker.UnpackAsync(HostileArchives.DuplicateSame(archives), ArtifactFormat.TarGz, dest);
        Assert.Equal("same\n", await File.ReadAllTextAsync(Path.Combine(dest, "f")));
        Assert.Equal(["README", "f"], Directory.EnumerateFileSystemEntries(dest).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal((await TreeManifest.ReadAsync(dest)).Digest(), manifest.Digest());
    }

    [Fact]
    public async Task UnpackAsync_ZipPathTraversal_Refused()
    {
        var e = await RefusedAsync(HostileArchives.ZipPathTraversal(archives), format: ArtifactFormat.Zip);
        Assert.Equal($"{Top}/../../escaped", e.Entry);
    }

    [Fact]
    public async Task UnpackAsync_ZipSymlinkEscape_Refused()
    {
        var e = await RefusedAsync(HostileArchives.ZipSymlinkEscape(archives), format: ArtifactFormat.Zip);
        Assert.Equal($"{Top}/lib/x", e.Entry);
        AssertNotInDestination("lib/x");
    }

    private async Task<UnsafeArchiveException> RefusedAsync(string archive, UnpackLimits? limits = null, ArtifactFormat format = ArtifactFormat.TarGz)
    {
        var before = Outside();
        var e = await Assert.ThrowsAsync<UnsafeArchiveException>(() => ArchiveUnpacker.UnpackAsync(archive, format, dest, limits: limits));
        Assert.Equal(Path.GetFileName(archive), e.Archive);
        Assert.Equal(before, Outside());
        return e;
    }

    /// <summary>Everything in the scratch folder outside the destination, links not followed.</summary>
    private List<string> Outside()
    {
        // TreeWalker: .NET's own recursion follows symlinked folders and loops on `lib/b -> ..`.
        return [.. Nvsdk.Core.Platform.TreeWalker.Walk(temp.Path).Select(i => i.FullName)
            .Where(p => p != dest && !p.StartsWith(dest + "/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>The member was never created: not as a file, folder or (even dangling) link.</summary>
    private void AssertNotInDestination(string relative)
    {
        var full = Path.Combine(dest, relative);
        var parent = Path.GetDirectoryName(full)!;
        Assert.False(
            Directory.Exists(parent) && Directory.EnumerateFileSystemEntries(parent).Contains(full),
            $"{relative} was created in the destination");
    }
}
