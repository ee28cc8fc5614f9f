using System.Formats.Tar;
using System.Security.Cryptography;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Unpack;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Unpack;

/// <summary>
/// Parts of a large file, as cache layers carry them (PAX NVSDK.part.*), joined by writers that share a
/// <see cref="FilePartJoiner"/>: any order and any writer gives the whole file and its hash; parts that
/// overlap, leave the file or disagree are refused; an archive from elsewhere (no joiner) is plain tar.
/// </summary>
public sealed class FilePartTests : IDisposable
{
    private readonly TempDir temp = new("nvsdk-parts-");

    public void Dispose() => temp.Dispose();

    private static byte[] Tar(params (string Name, byte[] Data, long? Offset, long? Size)[] members)
    {
        var output = new MemoryStream();
        using (var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, data, offset, size) in members)
            {
                var attributes = new Dictionary<string, string>();
                if (offset is { } o)
                {
                    attributes[FilePartHeader.OffsetKey] = o.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                if (size is { } s)
                {
                    attributes[FilePartHeader.SizeKey] = s.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name, attributes) { DataStream = new MemoryStream(data), Mode = (UnixFileMode)0b111_101_101 });
            }
        }

        return output.ToArray();
    }

    private static byte[] Payload(int size) => [.. Enumerable.Range(0, size).Select(i => (byte)((i * 7) ^ (i >> 8)))];

    [Fact]
    public async Task PartsInSeveralWriters_InAnyOrder_JoinIntoTheWholeFileAndItsHash()
    {
        var whole = Payload(300_000);
        var root = temp.Combine("tree");
        using var joiner = new FilePartJoiner();
        var layers = new[] { (200_000, 100_000), (0, 100_000), (100_000, 100_000) };
        var writers = layers.Select(_ => new SafeTreeWriter(root, "cache", 1000, new UnpackLimits()) { Parts = joiner }).ToList();

        await Task.WhenAll(layers.Select((l, i) => TarUnpacker.UnpackAsync(
            new MemoryStream(Tar(("lib/libbig.so", whole[l.Item1..(l.Item1 + l.Item2)], l.Item1, whole.Length))), writers[i], LayoutRule.Identity(), CancellationToken.None)));

        Assert.Empty(joiner.Incomplete());
        Assert.Equal(whole, await File.ReadAllBytesAsync(Path.Combine(root, "lib/libbig.so")));
        var items = writers.SelectMany(w => w.Complete().Items).Where(i => i.Key == "lib/libbig.so").Select(i => i.Value).ToList();
        var item = Assert.Single(items);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(whole)), item.Digest!.Value.Hex);
        Assert.True(item.Executable);
    }

    [Fact]
    public async Task WithoutHashing_PartsStillJoin_AndTheTreeDigestIsRefusedNotInvented()
    {
        var whole = Payload(50_000);
        var root = temp.Combine("unhashed");
        using var joiner = new FilePartJoiner();
        var writers = new[] { 0, 1 }.Select(_ => new SafeTreeWriter(root, "cache", 1000, new UnpackLimits()) { Parts = joiner, HashFiles = false }).ToList();

        await TarUnpacker.UnpackAsync(new MemoryStream(Tar(("big", whole[25_000..], 25_000, whole.Length))), writers[0], LayoutRule.Identity(), CancellationToken.None);
        await TarUnpacker.UnpackAsync(new MemoryStream(Tar(("big", whole[..25_000], 0, whole.Length))), writers[1], LayoutRule.Identity(), CancellationToken.None);

        Assert.Equal(whole, await File.ReadAllBytesAsync(Path.Combine(root, "big")));
        var manifest = writers[1].Complete();
        Assert.Equal(whole.Length, manifest.TotalBytes);
        Assert.Throws<InvalidOperationException>(() => manifest.Digest());
    }

    [Fact]
    public async Task AMissingPart_LeavesTheFileIncomplete()
    {
        using var joiner = new FilePartJoiner();
        var writer = new SafeTreeWriter(temp.Combine("tree"), "cache", 1000, new UnpackLimits()) { Parts = joiner };
        await TarUnpacker.UnpackAsync(new MemoryStream(Tar(("big", Payload(10), 0, 20))), writer, LayoutRule.Identity(), CancellationToken.None);

        Assert.Equal([("big", 10L, 20L)], joiner.Incomplete());
        Assert.DoesNotContain(writer.Complete().Items, i => i.Key == "big");
    }

    public static TheoryData<string, long?, long?, string> Refusals() => new()
    {
        { "overlap", 5, 20, "overlaps another part" },
        { "beyond", 15, 20, "outside its 20-byte file" },
        { "size", 10, 30, "disagree about the file" },
        { "malformed", null, 20, "malformed NVSDK.part.offset" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task ABadSecondPart_IsRefusedNamingTheMember(string why, long? offset, long? size, string reason)
    {
        using var joiner = new FilePartJoiner();
        var writer = new SafeTreeWriter(temp.Combine(why), "cache", 1000, new UnpackLimits()) { Parts = joiner };
        var tar = Tar(("big", Payload(10), 0, 20), ("big", Payload(10), offset, size));

        var e = await Assert.ThrowsAsync<UnsafeArchiveException>(() => TarUnpacker.UnpackAsync(new MemoryStream(tar), writer, LayoutRule.Identity(), CancellationToken.None));

        Assert.Contains("cache: big: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWholeFileWhereAnotherLayerPutParts_IsRefused()
    {
        using var joiner = new FilePartJoiner();
        var root = temp.Combine("mixed");
        await TarUnpacker.UnpackAsync(new MemoryStream(Tar(("big", Payload(10), 0, 20))), new SafeTreeWriter(root, "cache", 1000, new UnpackLimits()) { Parts = joiner }, LayoutRule.Identity(), CancellationToken.None);

        var e = await Assert.ThrowsAsync<UnsafeArchiveException>(() => TarUnpacker.UnpackAsync(
            new MemoryStream(Tar(("big", Payload(20), null, null))), new SafeTreeWriter(root, "cache", 1000, new UnpackLimits()) { Parts = joiner }, LayoutRule.Identity(), CancellationToken.None));

        Assert.Contains("another layer put parts", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutAJoiner_PartKeywordsAreIgnoredAsAnyTarReaderDoes()
    {
        var root = temp.Combine("plain");
        var writer = new SafeTreeWriter(root, "nvidia.tar.xz", 1000, new UnpackLimits());
        await TarUnpacker.UnpackAsync(new MemoryStream(Tar(("big", Payload(10), 5, 20))), writer, LayoutRule.Identity(), CancellationToken.None);

        Assert.Equal(Payload(10), await File.ReadAllBytesAsync(Path.Combine(root, "big")));
    }
}
