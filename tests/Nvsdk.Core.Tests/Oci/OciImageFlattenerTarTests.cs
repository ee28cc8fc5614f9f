using Nvsdk.Core.Oci;
using Nvsdk.Core.Oci.Layers;
using Nvsdk.Core.Primitives;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Oci;

/// <summary>
/// Layers written by GNU tar itself (its own header format, "./" names, long names, hard links), flattened,
/// must give the tree that extracting them in order with GNU tar and then deleting what the whiteouts name
/// gives: the naive way to apply layers, exact for layers like these (no opaque folders, no kind changes).
/// </summary>
public sealed class OciImageFlattenerTarTests : IDisposable
{
    private static readonly string LongName = string.Join('/', Enumerable.Repeat("a-rather-long-folder-name", 6)) + "/file-with-a-long-name.h";

    private readonly TempDir temp = new("nvsdk-flatten-tar-");

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task FlattenAsync_LayersFromGnuTar_SameTreeAsTarExtractInOrder()
    {
        var lower = temp.Combine("lower");
        Write(lower, "usr/bin/tool", "tool v1", executable: true);
        Write(lower, "usr/lib/libx.so.1", "x");
        Write(lower, "usr/share/doc/README", "old docs");
        Write(lower, "etc/old.conf", "old");
        Write(lower, LongName, "long");
        Directory.CreateDirectory(Path.Combine(lower, "var/empty"));
        File.CreateSymbolicLink(Path.Combine(lower, "usr/lib/libx.so"), "libx.so.1");
        Nvsdk.Core.Platform.Posix.HardLink(Path.Combine(lower, "usr/bin/tool"), Path.Combine(lower, "usr/bin/tool-alias"));

        var upper = temp.Combine("upper");
        Write(upper, "usr/bin/tool", "tool v2", executable: true);
        Write(upper, "usr/share/doc/.wh.README", string.Empty);
        Write(upper, "etc/.wh.old.conf", string.Empty);
        Write(upper, "etc/new.conf", "new");

        var layers = new[]
        {
            await TarAsync(lower, "lower.tar", OciMediaTypes.OciLayerTar),
            await TarAsync(upper, "upper.tar.gz", OciMediaTypes.OciLayerGzip),
        };
        var flattened = temp.Combine("flattened");
        await OciImageFlattener.FlattenAsync(layers, flattened);

        var extracted = temp.Combine("extracted");
        Directory.CreateDirectory(extracted);
        foreach (var layer in layers)
        {
            await RunAsync("tar", "-xf", layer.Path, "-C", extracted);
            foreach (var marker in Directory.GetFiles(extracted, ".wh.*", SearchOption.AllDirectories))
            {
                var victim = Path.Combine(Path.GetDirectoryName(marker)!, Path.GetFileName(marker)[".wh.".Length..]);
                File.Delete(victim);
                File.Delete(marker);
            }
        }

        var expected = await FlattenedTree.ListAsync(extracted);
        Assert.Contains("usr/bin/tool* = tool v2", expected); // tar replaced the file, breaking the lower link
        Assert.Contains("usr/bin/tool-alias* = tool v1", expected);
        Assert.Contains($"{LongName} = long", expected);
        Assert.Equal(expected, await FlattenedTree.ListAsync(flattened));
    }

    private static void Write(string root, string path, string content, bool executable = false)
    {
        var full = Path.Combine(root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        File.SetUnixFileMode(full, executable ? (UnixFileMode)0b111_101_101 : (UnixFileMode)0b110_100_100);
    }

    private async Task<OciLayerFile> TarAsync(string source, string name, string mediaType)
    {
        var path = temp.Combine(name);
        var compress = mediaType == OciMediaTypes.OciLayerGzip ? "-czf" : "-cf";
        await RunAsync("tar", "--sort=name", "--owner=0", "--group=0", compress, path, "-C", source, ".");
        return new OciLayerFile(path, mediaType, Sha256Digest.Of(await File.ReadAllBytesAsync(path)));
    }

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync(program, arguments);
        Assert.True(result.ExitCode == 0, result.ToString());
    }
}
