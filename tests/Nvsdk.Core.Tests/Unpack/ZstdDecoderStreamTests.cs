using Nvsdk.Core.Errors;
using Nvsdk.Core.Unpack;
using Nvsdk.Testing;
using ZstdSharp;

namespace Nvsdk.Core.Tests.Unpack;

/// <summary>
/// The native decoder reads what both encoders nvsdk meets write: zstd(1) (what an admin or another tool
/// pushes) and ZstdSharp (what `nvsdk cache push` writes), one frame or several, and refuses cut or damaged
/// input as zstd(1) does. The fallback tests flip <see cref="ZstdDecoders.ForceManaged"/>, so they live in
/// this class (xunit runs one class's tests one at a time); the rest use <see cref="ZstdDecoderStream"/> directly.
/// libzstd1 is not skipped for: apt and systemd need it on every Debian/Ubuntu host, CI's included.
/// </summary>
public sealed class ZstdDecoderStreamTests : IDisposable
{
    private const int MiB = 1024 * 1024;

    private readonly TempDir dir = new("nvsdk-zstd-");

    public void Dispose()
    {
        ZstdDecoders.ForceManaged = false;
        dir.Dispose();
    }

    [Theory]
    [InlineData("text", "-3")]
    [InlineData("text", "-19")]
    [InlineData("random", "-3")]
    [InlineData("large", "-1 -T2")]
    [InlineData("empty", "-3")]
    public async Task Read_ZstdCliOutput_ReturnsOriginalBytes(string payload, string zstdArgs)
    {
        var data = Payload(payload);
        Assert.Equal(data, Decode(await ZstdCliAsync(data, zstdArgs)));
    }

    [Theory]
    [InlineData("text")]
    [InlineData("random")]
    [InlineData("large")]
    [InlineData("empty")]
    public void Read_ZstdSharpOutput_ReturnsOriginalBytes(string payload)
    {
        var data = Payload(payload);
        Assert.Equal(data, Decode(ZstdSharpEncode(data)));
    }

    [Fact]
    public async Task Read_ConcatenatedAndSkippableFrames_ReturnsEveryPayload()
    {
        var first = Payload("text");
        var second = FixtureArchives.Payload(300_000, 2);

        // A skippable frame (magic 0x184D2A50, little-endian length, then that many ignored bytes) in between.
        byte[] skippable = [0x50, 0x2A, 0x4D, 0x18, 3, 0, 0, 0, 1, 2, 3];
        byte[] zstd = [.. await ZstdCliAsync(first, "-3"), .. skippable, .. ZstdSharpEncode(second), .. ZstdSharpEncode([])];
        Assert.Equal([.. first, .. second], Decode(zstd));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    public async Task Read_TinyBuffers_ReturnsOriginalBytes(int bufferSize)
    {
        var data = XzDecoderStreamTests.Compressible(200_000, 3);
        Assert.Equal(data, Decode(await ZstdCliAsync(data, "-3"), bufferSize));
    }

    [Fact]
    public async Task ReadAsync_LargeInput_ReturnsOriginalBytes()
    {
        var data = Payload("large");
        await using var stream = new ZstdDecoderStream(new MemoryStream(ZstdSharpEncode(data)));
        var output = new MemoryStream();
        await stream.CopyToAsync(output);
        Assert.Equal(data, output.ToArray());
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.999)]
    [InlineData(0.0)]
    public async Task Read_TruncatedInput_ThrowsEndsEarly(double keep)
    {
        var zstd = await ZstdCliAsync(Payload("text"), "-3");
        var e = Assert.Throws<CorruptArchiveException>(() => Decode(zstd[..(int)(zstd.Length * keep)]));
        Assert.Equal(ErrorCode.InvalidInput, e.Code);
        Assert.Equal("zstd", e.Format);
        Assert.Equal("ends early", e.Problem);
    }

    [Fact]
    public async Task Read_CutAfterWholeFrame_ThrowsEndsEarly()
    {
        // The first frame is complete; the second stops inside its header.
        var frame = await ZstdCliAsync(Payload("text"), "-3");
        byte[] zstd = [.. frame, .. frame[..3]];
        Assert.Equal("ends early", Assert.Throws<CorruptArchiveException>(() => Decode(zstd)).Problem);
    }

    [Fact]
    public async Task Read_CorruptByteInMiddle_ThrowsCorrupt()
    {
        // zstd(1) writes a checksum by default, so any flipped byte is caught, in the data or at the frame's end.
        var zstd = await ZstdCliAsync(Payload("text"), "-3");
        zstd[zstd.Length / 2] ^= 0x55;
        var e = Assert.Throws<CorruptArchiveException>(() => Decode(zstd));
        Assert.StartsWith("is corrupt (", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NotZstd_ThrowsCorrupt()
    {
        var e = Assert.Throws<CorruptArchiveException>(() => Decode("not a zstd frame at all"u8.ToArray()));
        Assert.Contains("Unknown frame descriptor", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_AgainAfterCorruption_ThrowsTheSameError()
    {
        var zstd = await ZstdCliAsync(Payload("text"), "-3");
        zstd[zstd.Length / 2] ^= 0x55;
        using var stream = new ZstdDecoderStream(new MemoryStream(zstd));
        var first = Assert.Throws<CorruptArchiveException>(() => stream.CopyTo(Stream.Null));
        Assert.Same(first, Assert.Throws<CorruptArchiveException>(() => stream.Read(new byte[16])));
    }

    [Fact]
    public async Task ReadAsync_Cancelled_Throws()
    {
        await using var stream = new ZstdDecoderStream(new MemoryStream(ZstdSharpEncode(Payload("text"))));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await stream.ReadExactlyAsync(new byte[16], cancelled.Token));
    }

    [Fact]
    public void Dispose_LeaveOpenFalse_ClosesInput()
    {
        var input = new MemoryStream(ZstdSharpEncode([1, 2, 3]));
        new ZstdDecoderStream(input).Dispose();
        Assert.False(input.CanRead);
    }

    [Fact]
    public void Open_Default_UsesLibZstd()
    {
        using var stream = ZstdDecoders.Open(new MemoryStream(ZstdSharpEncode([1])), leaveOpen: false);
        Assert.IsType<ZstdDecoderStream>(stream);
        Assert.StartsWith("libzstd 1.", ZstdDecoders.Name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_ForceManaged_FallsBackToZstdSharpWithSameBytes()
    {
        var data = Payload("text");
        var zstd = await ZstdCliAsync(data, "-3");
        ZstdDecoders.ForceManaged = true;
        using var stream = ZstdDecoders.Open(new MemoryStream(zstd), leaveOpen: false);
        Assert.IsType<DecompressionStream>(stream);
        Assert.Equal("ZstdSharp", ZstdDecoders.Name);
        var output = new MemoryStream();
        stream.CopyTo(output);
        Assert.Equal(data, output.ToArray());
    }

    private static byte[] Payload(string kind) => kind switch
    {
        "text" => XzDecoderStreamTests.Compressible(MiB, 1),
        "random" => FixtureArchives.Payload(3 * MiB, 1),

        // Several zstd blocks (128 KiB each) and more than one output buffer's worth, compressible and not.
        "large" => [.. XzDecoderStreamTests.Compressible(6 * MiB, 4), .. FixtureArchives.Payload(2 * MiB, 5)],
        "empty" => [],
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static byte[] ZstdSharpEncode(byte[] data)
    {
        using var compressor = new Compressor(3);
        return compressor.Wrap(data).ToArray();
    }

    private static byte[] Decode(byte[] zstd, int bufferSize = 64 * 1024)
    {
        using var stream = new ZstdDecoderStream(new MemoryStream(zstd));
        var output = new MemoryStream();
        var buffer = new byte[bufferSize];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            output.Write(buffer, 0, read);
        }

        return output.ToArray();
    }

    private async Task<byte[]> ZstdCliAsync(byte[] data, string zstdArgs)
    {
        var file = dir.Combine(Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(file, data);
        var result = await ProcessRunner.RunAsync(Zstd, [.. zstdArgs.Split(' '), "-q", "--", file]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return await File.ReadAllBytesAsync(file + ".zst");
    }

    private static string Zstd => ProcessRunner.Require("zstd", "zstd");
}
