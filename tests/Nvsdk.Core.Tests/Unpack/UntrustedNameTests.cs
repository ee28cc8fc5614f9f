using Nvsdk.Core.Errors;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Unpack;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Unpack;

/// <summary>
/// Names, link targets and member data that a reader must bound or check before trusting them (issue 14):
/// each is refused as "&lt;archive&gt;: &lt;member&gt;: &lt;reason&gt;" (an <see cref="UnsafeArchiveException"/>), and the
/// huge cases are built synthetically: only their headers claim the size.
/// </summary>
public sealed class UntrustedNameTests : IDisposable
{
    private readonly TempDir temp = new("nvsdk-names-");

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task UnpackAsync_GnuLongName256MiB_RefusedFromItsHeader()
    {
        var archive = HostileArchives.GnuLongNameBomb(temp.Combine("a"));
        var e = await RefusedAsync(archive, ArtifactFormat.TarGz);
        Assert.Equal("gnu-long-name.tar.gz", e.Archive);
        Assert.True(e.Message.Length < 300); // the name is never read, let alone printed
    }

    [Fact]
    public async Task UnpackAsync_GnuLongNameJustOverLimit_Refused()
    {
        var e = await RefusedAsync(HostileArchives.GnuLongNameBomb(temp.Combine("a"), ArchivePath.MaxNameBytes + 2), ArtifactFormat.TarGz);
        Assert.Contains("GNU long name", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnpackAsync_NamePartOver255Bytes_Refused()
    {
        var e = await RefusedAsync(HostileArchives.LongNamePart(temp.Combine("a")), ArtifactFormat.TarGz);
        Assert.EndsWith(new string('p', 256), e.Entry, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnpackAsync_NamePartOf255Bytes_Unpacks()
    {
        var dest = temp.Combine("dest");
        await ArchiveUnpacker.UnpackAsync(HostileArchives.LongNamePart(temp.Combine("a"), 255), ArtifactFormat.TarGz, dest);
        Assert.True(File.Exists(Path.Combine(dest, new string('p', 255))));
    }

    [Fact]
    public async Task UnpackAsync_NewlineInName_Refused()
    {
        var e = await RefusedAsync(HostileArchives.NewlineInName(temp.Combine("a")), ArtifactFormat.TarGz);
        Assert.Equal($"{HostileArchives.Top}/x\ny", e.Entry);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task UnpackAsync_NameNotUtf8_Refused()
    {
        var e = await RefusedAsync(HostileArchives.InvalidUtf8Name(temp.Combine("a")), ArtifactFormat.TarGz);
        Assert.Contains("UTF-8", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnpackAsync_SymlinkLoop_CalledALoopNotAnEscape()
    {
        var e = await RefusedAsync(HostileArchives.SymlinkLoop(temp.Combine("a")), ArtifactFormat.TarGz);
        Assert.Contains("loop", e.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("outside", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnpackAsync_WheelSymlinkTargetOf1GiB_RefusedBeforeReading()
    {
        var e = await RefusedAsync(HostileArchives.ZipHugeLinkTarget(temp.Combine("a")), ArtifactFormat.Zip);
        Assert.Equal($"{HostileArchives.Top}/lib/x", e.Entry);
    }

    [Fact]
    public async Task UnpackAsync_ZipMemberWithWrongCrc_Refused()
    {
        var dest = temp.Combine("dest");
        var e = await RefusedAsync(HostileArchives.ZipBadCrc(temp.Combine("a")), ArtifactFormat.Zip, dest);
        Assert.Equal($"{HostileArchives.Top}/hello", e.Entry);
    }

    [Theory]
    [InlineData("skip=\"99999999999999\"\nfilesizes=\"10\"\n")]
    [InlineData("skip=\"2\"\nfilesizes=\"99999999999999999999999\"\n")]
    [InlineData("skip=\"2\"\nfilesizes=\"9223372036854775807 9223372036854775807\"\n")]
    public async Task UnpackAsync_MakeselfNumbersTooLarge_InvalidInputNamingArchive(string numbers)
    {
        var run = temp.Combine("huge.run");
        await File.WriteAllTextAsync(run, $"#!/bin/sh\n# This script was generated using Makeself 2.4.5\n{numbers}exit 0\npayload");
        var e = await Assert.ThrowsAnyAsync<NvsdkException>(() => ArchiveUnpacker.UnpackAsync(run, ArtifactFormat.Makeself, temp.Combine("dest")));
        Assert.Equal(ErrorCode.InvalidInput, e.Code);
        Assert.StartsWith("huge.run: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Display_HostileName_OneClippedLine()
    {
        var shown = ArchivePath.Display("a\nb" + new string('x', 10_000));
        Assert.DoesNotContain('\n', shown);
        Assert.True(shown.Length < 300);
    }

    private async Task<UnsafeArchiveException> RefusedAsync(string archive, ArtifactFormat format, string? dest = null) =>
        await Assert.ThrowsAsync<UnsafeArchiveException>(() => ArchiveUnpacker.UnpackAsync(archive, format, dest ?? temp.Combine("dest")));
}
