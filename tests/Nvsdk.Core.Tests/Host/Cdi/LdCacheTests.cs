using System.Buffers.Binary;
using System.Text;
using Nvsdk.Core.Host.Cdi;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Host.Cdi;

public class LdCacheTests
{
    private const int X8664Libc6 = 0x0303;
    private const int AArch64Libc6 = 0x0a03;
    private const int I386Libc6 = 0x0003;

    [Fact]
    public void Parse_NewFormat_ReadsSixtyFourBitEntries()
    {
        var cache = NewFormat(
            (X8664Libc6, "libcuda.so.1", "/usr/lib/x86_64-linux-gnu/libcuda.so.1"),
            (I386Libc6, "libcuda.so.1", "/usr/lib/i386-linux-gnu/libcuda.so.1"),
            (AArch64Libc6, "libnvidia-ml.so.1", "/usr/lib/aarch64-linux-gnu/libnvidia-ml.so.1"));

        Assert.Equal(
            [("libcuda.so.1", "/usr/lib/x86_64-linux-gnu/libcuda.so.1"), ("libnvidia-ml.so.1", "/usr/lib/aarch64-linux-gnu/libnvidia-ml.so.1")],
            LdCache.Parse(cache));
    }

    [Fact]
    public void Parse_OldFormatThenNew_ReadsTheNewTable()
    {
        var newPart = NewFormat((X8664Libc6, "libcuda.so.1", "/usr/lib64/libcuda.so.1"));
        var old = new byte[16 + (3 * 12)];
        Encoding.ASCII.GetBytes("ld.so-1.7.0").CopyTo(old, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(old.AsSpan(12), 3);
        var padded = new byte[(old.Length + 7) & ~7];
        old.CopyTo(padded, 0);

        Assert.Equal([("libcuda.so.1", "/usr/lib64/libcuda.so.1")], LdCache.Parse([.. padded, .. newPart]));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(47)]
    [InlineData(60)]
    public void Parse_TruncatedCache_ReturnsWhatIsInBoundsWithoutThrowing(int length)
    {
        var cache = NewFormat((X8664Libc6, "libcuda.so.1", "/usr/lib64/libcuda.so.1"));
        Assert.Empty(LdCache.Parse(cache.AsSpan(0, length)));
    }

    [Fact]
    public void Parse_HostileCounts_ReturnsEmpty()
    {
        var cache = NewFormat((X8664Libc6, "libcuda.so.1", "/usr/lib64/libcuda.so.1"));
        BinaryPrimitives.WriteUInt32LittleEndian(cache.AsSpan(20), uint.MaxValue);
        Assert.Empty(LdCache.Parse(cache));

        var badOffset = NewFormat((X8664Libc6, "libcuda.so.1", "/usr/lib64/libcuda.so.1"));
        BinaryPrimitives.WriteUInt32LittleEndian(badOffset.AsSpan(48 + 8), uint.MaxValue);
        Assert.Empty(LdCache.Parse(badOffset));
    }

    [Fact]
    public void Parse_CapturedLdconfigText_FindsTheDriverLibraries()
    {
        var text = File.ReadAllBytes(Path.Combine(RepoPaths.Root, "tests", "fixtures", "h100-host", "ldconfig-p.txt"));
        var entries = LdCache.Parse(text);
        Assert.Equal(520, entries.Count);
        Assert.Contains(("libcuda.so.1", "/usr/local/nvidia/lib64/libcuda.so.1"), entries);
    }

    [SkippableFact]
    public async Task Parse_ThisMachinesBinaryCache_AgreesWithLdconfig()
    {
        var ldconfig = new[] { "/sbin/ldconfig", "/usr/sbin/ldconfig" }.FirstOrDefault(File.Exists);
        Skip.If(ldconfig is null || !File.Exists("/etc/ld.so.cache"), "needs glibc's ldconfig and /etc/ld.so.cache");

        var binary = LdCache.Parse(await File.ReadAllBytesAsync("/etc/ld.so.cache"));
        var printed = await ProcessRunner.RunAsync(ldconfig!, ["-p"]);
        Assert.Equal(0, printed.ExitCode);

        Assert.NotEmpty(binary);
        Assert.Contains(binary, e => e.Name == "libc.so.6");
        Assert.Equal(LdCache.ParseText(printed.Stdout), binary);
    }

    /// <summary>A cache in glibc's new format: header, entries, then the string table.</summary>
    private static byte[] NewFormat(params (int Flags, string Key, string Value)[] entries)
    {
        var strings = new MemoryStream();
        var offsets = new List<(uint, uint)>();
        var stringsStart = 48 + (24 * entries.Length);
        foreach (var (_, key, value) in entries)
        {
            var k = (uint)(stringsStart + strings.Length);
            strings.Write(Encoding.ASCII.GetBytes(key + "\0"));
            var v = (uint)(stringsStart + strings.Length);
            strings.Write(Encoding.ASCII.GetBytes(value + "\0"));
            offsets.Add((k, v));
        }

        var data = new byte[stringsStart + strings.Length];
        Encoding.ASCII.GetBytes("glibc-ld.so.cache1.1").CopyTo(data, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(20), (uint)entries.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(24), (uint)strings.Length);
        data[28] = 2;
        for (var i = 0; i < entries.Length; i++)
        {
            var e = data.AsSpan(48 + (24 * i));
            BinaryPrimitives.WriteInt32LittleEndian(e, entries[i].Flags);
            BinaryPrimitives.WriteUInt32LittleEndian(e[4..], offsets[i].Item1);
            BinaryPrimitives.WriteUInt32LittleEndian(e[8..], offsets[i].Item2);
        }

        strings.ToArray().CopyTo(data, stringsStart);
        return data;
    }
}
