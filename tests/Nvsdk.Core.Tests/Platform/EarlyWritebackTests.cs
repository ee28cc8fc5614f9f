using System.Formats.Tar;
using System.IO.Compression;
using Nvsdk.Core.Platform;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Unpack;

namespace Nvsdk.Core.Tests.Platform;

/// <summary>
/// The early writeback keeps a duplicate descriptor per queued file: each must be closed, by the feeder thread
/// once the writeback is started, or by the syncfs that makes the queue moot, so an install of thousands of
/// files never runs out of descriptors or keeps deleted staging files alive.
/// </summary>
public sealed class EarlyWritebackTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("nvsdk-writeback-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Start_FeederClosesItsCopyOfTheDescriptor()
    {
        var before = Total();
        var path = WrittenFile("one");

        WaitUntilClosed(path);
        Assert.True(Total() > before);
    }

    [Fact]
    public void SyncFileSystem_LeavesNoQueuedDescriptorOpen()
    {
        var before = Total();
        var paths = Enumerable.Range(0, 20).Select(i => WrittenFile($"f{i}")).ToList();

        Posix.SyncFileSystem(folder);

        foreach (var path in paths)
        {
            WaitUntilClosed(path);
        }

        Assert.True(Total() >= before + paths.Count);
    }

    [Fact]
    public void Start_ARange_FeederClosesItsCopyOfTheDescriptor()
    {
        var path = Path.Combine(folder, "ranged");
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        {
            file.Write(new byte[512 << 10]);
            file.Flush();
            EarlyWriteback.Start(file.SafeFileHandle, 128 << 10, 256 << 10);
        }

        WaitUntilClosed(path);
    }

    [Fact]
    public async Task Unpack_ALargeFile_IsHandedOverInPiecesAsItIsWritten()
    {
        // 70 MiB: two 32 MiB pieces while it is written, then the rest when it is closed.
        var archive = Path.Combine(folder, "big-1.0-archive.tar.gz");
        await using (var output = File.Create(archive))
        {
            await using var gzip = new GZipStream(output, CompressionLevel.Fastest);
            await using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
            var content = new byte[70 << 20];
            new Random(15).NextBytes(content);
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "big-1.0-archive/lib/libbig.so")
            {
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                DataStream = new MemoryStream(content),
            });
        }

        var before = Total();
        var destination = Path.Combine(folder, "tree");
        Directory.CreateDirectory(destination);
        await ArchiveUnpacker.UnpackAsync(archive, ArtifactFormat.TarGz, destination);

        WaitUntilClosed(Path.Combine(destination, "lib/libbig.so"));
        Assert.True(Total() >= before + 3, $"{Total() - before} writebacks queued for a 70 MiB file");
    }

    private static long Total()
    {
        var (started, dropped, _) = EarlyWriteback.Totals;
        return started + dropped;
    }

    private string WrittenFile(string name)
    {
        var path = Path.Combine(folder, name);
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        {
            file.Write(new byte[256 << 10]);
            file.Flush();
            EarlyWriteback.Start(file.SafeFileHandle, 0, 0);
        }

        return path;
    }

    private static void WaitUntilClosed(string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (OpenDescriptors(path) > 0 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(10);
        }

        Assert.Equal(0, OpenDescriptors(path));
    }

    /// <summary>This process's descriptors open on <paramref name="path"/>, from /proc/self/fd.</summary>
    private static int OpenDescriptors(string path) =>
        new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos().Count(fd =>
        {
            try
            {
                return fd.LinkTarget == path;
            }
            catch (IOException)
            {
                return false; // closed while listed
            }
        });
}
