using System.Text;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Unpack;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Unpack;

/// <summary>
/// Inputs come from the real xz(1), so these check that we read what the tool NVIDIA archives are made with
/// writes: one block, many blocks (the case the threaded decoder parallelises), concatenated streams.
/// </summary>
public sealed class XzDecoderStreamTests : IDisposable
{
    private const int MiB = 1024 * 1024;

    private readonly TempDir dir = new("nvsdk-xz-");

    public void Dispose() => dir.Dispose();

    [Theory]
    [InlineData("text", "-T1 -6", 1)]
    [InlineData("text", "-T1 -6", 2)]
    [InlineData("text", "-T2 --block-size=64KiB", 1)]
    [InlineData("text", "-T2 --block-size=64KiB", 2)]
    [InlineData("text", "-T2 --block-size=64KiB", 0)]
    [InlineData("random", "-T1 -6", 1)]
    [InlineData("random", "-T1 -6", 2)]
    [InlineData("random", "-T2 --block-size=1MiB", 1)]
    [InlineData("random", "-T2 --block-size=1MiB", 2)]
    [InlineData("empty", "-T1", 1)]
    [InlineData("empty", "-T1", 2)]
    public async Task Read_XzCliOutput_ReturnsOriginalBytes(string payload, string xzArgs, int threads)
    {
        var data = Payload(payload);
        var xz = await XzAsync(data, xzArgs);
        Assert.Equal(data, Decode(xz, threads));
    }

    [Fact]
    public async Task XzCli_BlockSizeOption_WritesSeveralBlocks()
    {
        // Guards the multi-block cases above: they only test parallel decoding if xz really split the file.
        var xz = await XzAsync(Payload("text"), "-T2 --block-size=64KiB");
        Assert.True(await BlockCountAsync(xz) > 1);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Read_ConcatenatedStreams_ReturnsBothPayloads(int threads)
    {
        var first = Payload("text");
        var second = FixtureArchives.Payload(300_000, 2);
        byte[] xz = [.. await XzAsync(first, "-T1"), .. await XzAsync(second, "-T2 --block-size=64KiB")];
        Assert.Equal([.. first, .. second], Decode(xz, threads));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task ReadAsync_MultiBlock_ReturnsOriginalBytes(int threads)
    {
        var data = Payload("text");
        var xz = await XzAsync(data, "-T2 --block-size=64KiB");
        await using var stream = new XzDecoderStream(new MemoryStream(xz), threads);
        var output = new MemoryStream();
        await stream.CopyToAsync(output);
        Assert.Equal(data, output.ToArray());
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 2)]
    [InlineData(7, 1)]
    [InlineData(7, 2)]
    public async Task Read_TinyBuffers_ReturnsOriginalBytes(int bufferSize, int threads)
    {
        var data = Compressible(200_000, 3);
        var xz = await XzAsync(data, "-T2 --block-size=64KiB");
        Assert.Equal(data, Decode(xz, threads, bufferSize));
    }

    [Theory]
    [InlineData("-T1 -6", 1)]
    [InlineData("-T1 -6", 2)]
    [InlineData("-T2 --block-size=64KiB", 1)]
    [InlineData("-T2 --block-size=64KiB", 2)]
    public async Task Read_CorruptByteInMiddle_ThrowsCorruptArchive(string xzArgs, int threads)
    {
        var xz = await XzAsync(Payload("text"), xzArgs);
        xz[xz.Length / 2] ^= 0x55;
        var e = Assert.Throws<CorruptArchiveException>(() => Decode(xz, threads));
        Assert.Equal(ErrorCode.InvalidInput, e.Code);
        Assert.Equal("xz", e.Format);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Read_AgainAfterCorruption_ThrowsTheSameError(int threads)
    {
        var xz = await XzAsync(Payload("text"), "-T1");
        xz[xz.Length / 2] ^= 0x55;
        using var stream = new XzDecoderStream(new MemoryStream(xz), threads);
        var first = Assert.Throws<CorruptArchiveException>(() => stream.CopyTo(Stream.Null));
        Assert.Same(first, Assert.Throws<CorruptArchiveException>(() => stream.Read(new byte[16])));
    }

    [Theory]
    [InlineData(0.5, 1)]
    [InlineData(0.5, 2)]
    [InlineData(0.999, 1)]
    [InlineData(0.999, 2)]
    [InlineData(0.0, 1)]
    [InlineData(0.0, 2)]
    public async Task Read_TruncatedFile_ThrowsCorruptArchive(double keep, int threads)
    {
        var xz = await XzAsync(Payload("text"), "-T2 --block-size=64KiB");
        var cut = xz[..(int)(xz.Length * keep)];
        Assert.Throws<CorruptArchiveException>(() => Decode(cut, threads));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Read_NotXz_ThrowsCorruptArchive(int threads) =>
        Assert.Throws<CorruptArchiveException>(() => Decode(FixtureArchives.Payload(10_000, 4), threads));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Read_GarbageAfterStream_ThrowsCorruptArchive(int threads)
    {
        byte[] xz = [.. await XzAsync(Payload("text"), "-T1"), .. "trailing junk"u8];
        Assert.Throws<CorruptArchiveException>(() => Decode(xz, threads));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Dispose_LeaveOpen_DecidesWhetherInnerIsDisposed(bool leaveOpen)
    {
        var inner = new MemoryStream(await XzAsync(Payload("empty"), "-T1"));
        new XzDecoderStream(inner, leaveOpen: leaveOpen).Dispose();
        Assert.Equal(leaveOpen, inner.CanRead);
    }

    [Fact]
    public async Task Read_AfterDispose_ThrowsObjectDisposed()
    {
        var stream = new XzDecoderStream(new MemoryStream(await XzAsync(Payload("text"), "-T1")));
        stream.Dispose();
        Assert.Throws<ObjectDisposedException>(() => stream.Read(new byte[16]));
    }

    [Fact]
    public void Ctor_NegativeThreads_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new XzDecoderStream(new MemoryStream(), threads: -1));

    private static byte[] Payload(string kind) => kind switch
    {
        "text" => Compressible(MiB, 1),
        "random" => FixtureArchives.Payload(3 * MiB, 1),
        "empty" => [],
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Log-like lines from a small vocabulary: compresses about as well as headers and sources do.</summary>
    internal static byte[] Compressible(int bytes, int seed)
    {
        string[] words = ["cuda", "cudnn", "nvcc", "lib64", "include", "error", "warning", "kernel", "0x7f3a", "sm_90", "ptx"];
        var random = new Random(seed);
        var text = new StringBuilder(bytes + 100);
        for (var line = 0; text.Length < bytes; line++)
        {
            text.Append(line).Append(':');
            for (var w = random.Next(3, 12); w > 0; w--)
            {
                text.Append(' ').Append(words[random.Next(words.Length)]);
            }

            text.Append('\n');
        }

        return Encoding.ASCII.GetBytes(text.ToString(0, bytes));
    }

    private static byte[] Decode(byte[] xz, int threads, int bufferSize = 81920)
    {
        using var stream = new XzDecoderStream(new MemoryStream(xz), threads);
        var output = new MemoryStream();
        var buffer = new byte[bufferSize];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            output.Write(buffer, 0, read);
        }

        return output.ToArray();
    }

    private async Task<byte[]> XzAsync(byte[] data, string xzArgs)
    {
        var file = dir.Combine(Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(file, data);
        var result = await ProcessRunner.RunAsync(Xz, [.. xzArgs.Split(' '), "--compress", "--", file]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return await File.ReadAllBytesAsync(file + ".xz");
    }

    private async Task<int> BlockCountAsync(byte[] xz)
    {
        var file = dir.Combine(Guid.NewGuid().ToString("N") + ".xz");
        await File.WriteAllBytesAsync(file, xz);
        var result = await ProcessRunner.RunAsync(Xz, ["--robot", "--list", "--", file]);
        Assert.True(result.ExitCode == 0, result.ToString());

        // "totals<TAB>streams<TAB>blocks<TAB>..." (xz(1), ROBOT MODE)
        var totals = result.Stdout.Split('\n').Single(l => l.StartsWith("totals\t", StringComparison.Ordinal));
        return int.Parse(totals.Split('\t')[2], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Xz => ProcessRunner.Require("xz", "xz-utils");
}
