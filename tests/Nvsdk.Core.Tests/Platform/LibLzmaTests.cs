using System.Runtime.InteropServices;
using Nvsdk.Core.Platform;

namespace Nvsdk.Core.Tests.Platform;

/// <summary>
/// The struct layouts against numbers printed by a C program with offsetof() on liblzma-dev 5.4.1's
/// headers (x86_64; aarch64 is LP64 too): a wrong offset here would corrupt native memory, not fail loudly.
/// </summary>
public class LibLzmaTests
{
    [Theory]
    [InlineData(nameof(LibLzma.LzmaStream.NextIn), 0)]
    [InlineData(nameof(LibLzma.LzmaStream.AvailIn), 8)]
    [InlineData(nameof(LibLzma.LzmaStream.TotalIn), 16)]
    [InlineData(nameof(LibLzma.LzmaStream.NextOut), 24)]
    [InlineData(nameof(LibLzma.LzmaStream.AvailOut), 32)]
    [InlineData(nameof(LibLzma.LzmaStream.TotalOut), 40)]
    [InlineData(nameof(LibLzma.LzmaStream.Internal), 56)]
    [InlineData(nameof(LibLzma.LzmaStream.SeekPos), 96)]
    [InlineData(nameof(LibLzma.LzmaStream.ReservedEnum2), 132)]
    public void LzmaStream_Field_MatchesCHeaderOffset(string field, int offset) =>
        Assert.Equal(offset, (int)Marshal.OffsetOf<LibLzma.LzmaStream>(field));

    [Theory]
    [InlineData(nameof(LibLzma.LzmaMt.Flags), 0)]
    [InlineData(nameof(LibLzma.LzmaMt.Threads), 4)]
    [InlineData(nameof(LibLzma.LzmaMt.BlockSize), 8)]
    [InlineData(nameof(LibLzma.LzmaMt.Timeout), 16)]
    [InlineData(nameof(LibLzma.LzmaMt.Filters), 24)]
    [InlineData(nameof(LibLzma.LzmaMt.Check), 32)]
    [InlineData(nameof(LibLzma.LzmaMt.MemlimitThreading), 64)]
    [InlineData(nameof(LibLzma.LzmaMt.MemlimitStop), 72)]
    [InlineData(nameof(LibLzma.LzmaMt.ReservedPtr4), 120)]
    public void LzmaMt_Field_MatchesCHeaderOffset(string field, int offset) =>
        Assert.Equal(offset, (int)Marshal.OffsetOf<LibLzma.LzmaMt>(field));

    [Fact]
    public void Sizes_LP64_MatchCHeader()
    {
        // Both structs are blittable, so the marshalled size is the native one.
        Assert.Equal(136, Marshal.SizeOf<LibLzma.LzmaStream>());
        Assert.Equal(128, Marshal.SizeOf<LibLzma.LzmaMt>());
    }

    [Fact]
    public void HasMultiThreadedDecoder_Liblzma54_IsTrue()
    {
        // Debian 12 ships 5.4.1; an older host would silently lose parallel decoding, which we want to notice.
        var numeric = new string(LibLzma.Version.TakeWhile(c => char.IsAsciiDigit(c) || c == '.').ToArray());
        Assert.Equal(Version.Parse(numeric) >= new Version(5, 4), LibLzma.HasMultiThreadedDecoder);
    }
}
