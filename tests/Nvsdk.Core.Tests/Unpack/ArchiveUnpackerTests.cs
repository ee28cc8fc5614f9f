using System.IO.Compression;
using System.Text;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Unpack;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Unpack;

/// <summary>
/// The happy paths over the fixture artifacts, which carry NVIDIA's real names and layouts: every format
/// lands as a component tree (bin/, include/, lib/…) with the packaging stripped, normalised timestamps, and
/// a manifest that matches what a later read of the disk computes.
/// </summary>
public sealed class ArchiveUnpackerTests(UnpackFixtureArtifacts fixtures) : IClassFixture<UnpackFixtureArtifacts>, IDisposable
{
    private static readonly DateTime Epoch = DateTime.UnixEpoch.AddSeconds(1);
    private const UnixFileMode Mode755 = (UnixFileMode)0b111_101_101;

    private readonly TempDir temp = new("nvsdk-unpack-");

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task UnpackAsync_CudnnTarXz_StripsTopFolder()
    {
        var dest = await UnpackAsync("cudnn");
        Assert.Equal(["LICENSE", "include", "lib"], Names(dest));
        Assert.True(File.Exists(Path.Combine(dest, "include/cudnn.h")));
        Assert.True(File.Exists(Path.Combine(dest, "include/cudnn_version.h")));
        AssertLink(dest, "lib/libcudnn.so.9", "libcudnn.so.9.17.0");
        AssertLink(dest, "lib/libcudnn.so", "libcudnn.so.9");
        Assert.True(new FileInfo(Path.Combine(dest, "lib/libcudnn.so.9.17.0")).Length > 0);
    }

    [Fact]
    public async Task UnpackAsync_TensorRtTarGz_StripsTopFolder()
    {
        var dest = await UnpackAsync("tensorrt");
        Assert.Equal(["bin", "doc", "include", "lib"], Names(dest));
        Assert.True(File.Exists(Path.Combine(dest, "include/NvInfer.h")));
        Assert.Equal(Mode755, File.GetUnixFileMode(Path.Combine(dest, "bin/trtexec")));
        AssertLink(dest, "lib/libnvinfer.so.10", "libnvinfer.so.10.15.1");
    }

    [Fact]
    public async Task UnpackAsync_NcclWheel_KeepsOnlyThePackageContentAndItsLicence()
    {
        var dest = await UnpackAsync("nccl");
        Assert.Equal(["LICENSE.txt", "include", "lib"], Names(dest)); // the licence from dist-info, nothing else of it
        Assert.Equal(["nccl.h"], Names(Path.Combine(dest, "include")));
        Assert.Equal(["libnccl.so.2", "libnccl_static.a"], Names(Path.Combine(dest, "lib")));
        var all = AllEntries(dest);
        Assert.DoesNotContain(all, p => p.Contains("dist-info", StringComparison.Ordinal) || p.EndsWith("__init__.py", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnpackAsync_CudaRunfile_MergesBuildsAndLeavesOutTheInstallers()
    {
        var dest = await UnpackAsync("cuda");
        Assert.Equal(["LICENSE", "bin", "nvvm", "targets"], Names(dest));
        Assert.Equal(Mode755, File.GetUnixFileMode(Path.Combine(dest, "bin/nvcc")));
        Assert.True(File.Exists(Path.Combine(dest, "bin/nvcc.profile")));
        Assert.True(File.Exists(Path.Combine(dest, "nvvm/bin/cicc")));
        Assert.True(File.Exists(Path.Combine(dest, "targets/x86_64-linux/include/cuda_runtime.h")));
        Assert.True(File.Exists(Path.Combine(dest, "targets/x86_64-linux/include/nvrtc.h"))); // from builds/cuda_nvrtc
        AssertLink(dest, "targets/x86_64-linux/lib/libcudart.so.13", "libcudart.so.13.1.80");
        AssertLink(dest, "targets/x86_64-linux/lib/stubs/libcuda.so", "libcuda.so.1");
        Assert.Equal("CUDA Toolkit fixture EULA\n", await File.ReadAllTextAsync(Path.Combine(dest, "LICENSE")));
        var all = AllEntries(dest);
        Assert.DoesNotContain(all, p => p.Contains("NVIDIA-Linux", StringComparison.Ordinal) || p.Contains("cuda-installer", StringComparison.Ordinal));
        Assert.DoesNotContain(all, p => p.Contains("builds", StringComparison.Ordinal) || p.Contains("EULA", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnpackAsync_CudartRedistribArchive_StripsItsArchiveFolder()
    {
        var source = fixtures.Get("cuda_cudart", SystemId.X86_64Linux);
        Assert.Equal("cuda_cudart-linux-x86_64-13.1.80-archive.tar.xz", source.FileName);

        var dest = await UnpackAsync("cuda_cudart");

        Assert.Equal(["LICENSE", "include", "lib"], Names(dest));
        Assert.True(File.Exists(Path.Combine(dest, "include/cuda_runtime.h")));
        AssertLink(dest, "lib/libcudart.so.13", "libcudart.so.13.1.80");
        AssertLink(dest, "lib/stubs/libcuda.so", "libcuda.so.1");
    }

    [Fact]
    public async Task UnpackAsync_CutlassTarGz_StripsTopFolder()
    {
        var dest = await UnpackAsync("cutlass");
        Assert.Equal(["LICENSE.txt", "include"], Names(dest));
        Assert.True(File.Exists(Path.Combine(dest, "include/cutlass/version.h")));
        Assert.True(File.Exists(Path.Combine(dest, "include/cute/tensor.hpp")));
    }

    [Theory]
    [InlineData("cudnn", "x86_64-linux")]
    [InlineData("cudnn", "aarch64-linux")]
    [InlineData("cutensor", "x86_64-linux")]
    [InlineData("tensorrt", "x86_64-linux")]
    [InlineData("tensorrt", "aarch64-linux")]
    [InlineData("nccl", "x86_64-linux")]
    [InlineData("cuda", "x86_64-linux")]
    [InlineData("cuda", "aarch64-linux")]
    [InlineData("cuda_nvcc", "x86_64-linux")]
    [InlineData("cuda_cudart", "aarch64-linux")]
    [InlineData("cutlass", "x86_64-linux")]
    public async Task UnpackAsync_Fixture_NormalisesTimesAndManifestMatchesDisk(string component, string system)
    {
        var dest = temp.Combine(component);
        var manifest = await UnpackAsync(fixtures.Get(component, SystemId.Parse(system)), dest);
        var files = Walk(dest).OfType<FileInfo>().Where(f => f.LinkTarget is null).ToList();
        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.Equal(Epoch, f.LastWriteTimeUtc));
        Assert.All(files, f => Assert.Contains(f.UnixFileMode, new[] { Mode755, (UnixFileMode)0b110_100_100 }));
        Assert.Equal((await TreeManifest.ReadAsync(dest)).Digest(), manifest.Digest());
        Assert.Equal(AllEntries(dest), manifest.Items.Select(i => i.Key).ToList());
    }

    [Fact]
    public async Task UnpackAsync_MakeselfWithXz_Unpacks()
    {
        var content = temp.Combine("content");
        await FixtureArchives.Materialize(content, [FixtureEntry.Text("builds/cuda_x/bin/tool", "#!/bin/sh\necho tool\n", executable: true)]);
        var run = temp.Combine("cuda_x.run");
        await FixtureArchives.BuildMakeselfAsync(content, run, "--xz");
        var dest = temp.Combine("dest");
        var manifest = await ArchiveUnpacker.UnpackAsync(run, ArtifactFormat.Makeself, dest);
        Assert.Equal(["bin"], Names(dest));
        Assert.Equal("#!/bin/sh\necho tool\n", await File.ReadAllTextAsync(Path.Combine(dest, "bin/tool")));
        Assert.Equal(Mode755, File.GetUnixFileMode(Path.Combine(dest, "bin/tool")));
        Assert.Equal((await TreeManifest.ReadAsync(dest)).Digest(), manifest.Digest());
    }

    [Fact]
    public async Task UnpackAsync_MakeselfCutShort_ThrowsNvsdkException()
    {
        var source = fixtures.Get("cuda", SystemId.X86_64Linux);
        var run = temp.Combine(source.FileName);
        File.Copy(source.Path, run);
        using (var stream = new FileStream(run, FileMode.Open))
        {
            stream.SetLength(stream.Length - 1000);
        }

        var e = await Assert.ThrowsAnyAsync<NvsdkException>(() => ArchiveUnpacker.UnpackAsync(run, ArtifactFormat.Makeself, temp.Combine("dest")));
        Assert.Equal(ErrorCode.InvalidInput, e.Code);
    }

    [Theory]
    [InlineData("cudnn")] // tar.xz: liblzma reports the cut
    [InlineData("tensorrt")] // tar.gz: GZipStream ends quietly, the tar reader finds a member cut short
    [InlineData("cutlass")]
    public async Task UnpackAsync_TarballCutInHalf_ThrowsNvsdkException(string component)
    {
        var source = fixtures.Get(component, SystemId.X86_64Linux);
        var cut = temp.Combine(source.FileName);
        var bytes = await File.ReadAllBytesAsync(source.Path);
        await File.WriteAllBytesAsync(cut, bytes[..(bytes.Length / 2)]);
        Assert.True(ArtifactFormatNames.TryParse(source.Format, out var format));
        var e = await Assert.ThrowsAsync<UnsafeArchiveException>(() => ArchiveUnpacker.UnpackAsync(cut, format, temp.Combine("dest")));
        Assert.Equal(ErrorCode.InvalidInput, e.Code);
        Assert.Equal(source.FileName, e.Archive); // a cut tar.xz names its archive and the member it was in
    }

    [Fact]
    public async Task MakeselfHeader_OldHeadStyle_ParsesOffsetAndSizes()
    {
        var (run, headerBytes, payloadBytes) = await OldStyleRunfileAsync();
        var layout = MakeselfHeader.Read(run);
        Assert.Equal(headerBytes, layout.Offset);
        Assert.Equal([payloadBytes], layout.Sizes);
    }

    [Fact]
    public async Task UnpackAsync_OldHeadStyleRunfile_Unpacks()
    {
        var (run, _, _) = await OldStyleRunfileAsync();
        var dest = temp.Combine("dest");
        await ArchiveUnpacker.UnpackAsync(run, ArtifactFormat.Makeself, dest);
        Assert.Equal(["LICENSE", "bin"], Names(dest));
        Assert.Equal("old\n", await File.ReadAllTextAsync(Path.Combine(dest, "bin/tool")));
    }

    [Fact]
    public async Task MakeselfHeader_NotMakeself_ThrowsNvsdkException()
    {
        var file = temp.Combine("plain.run");
        await File.WriteAllTextAsync(file, "#!/bin/sh\necho hello\n");
        Assert.Throws<NvsdkException>(() => MakeselfHeader.Read(file));
    }

    /// <summary>
    /// A runfile as makeself 2.1 wrote them (some CUDA runfiles still do): the payload offset is
    /// <c>head -n 402 "$1" | wc -c</c>, so the header is exactly 402 lines.
    /// </summary>
    private async Task<(string Path, long HeaderBytes, long PayloadBytes)> OldStyleRunfileAsync()
    {
        var tar = new MemoryStream();
        using (var gz = new GZipStream(tar, CompressionLevel.Optimal, leaveOpen: true))
        {
            FixtureArchives.WriteTar(gz, string.Empty, [FixtureEntry.Text("builds/cuda_x/bin/tool", "old\n", executable: true), FixtureEntry.Text("builds/EULA.txt", "eula\n")]);
        }

        var payload = tar.ToArray();
        var lines = new List<string>
        {
            "#!/bin/sh",
            "# This script was generated using Makeself 2.1.5",
            "CRCsum=\"0000000000\"",
            "MD5=\"00000000000000000000000000000000\"",
            "label=\"old style fixture\"",
            $"filesizes=\"{payload.Length}\"",
            "offset=`head -n 402 \"$1\" | wc -c | tr -d \" \"`",
        };
        while (lines.Count < 402)
        {
            lines.Add($"# filler line {lines.Count}");
        }

        var header = Encoding.ASCII.GetBytes(string.Join('\n', lines) + "\n");
        var path = temp.Combine("old-style.run");
        await File.WriteAllBytesAsync(path, [.. header, .. payload]);
        return (path, header.Length, payload.Length);
    }

    private async Task<string> UnpackAsync(string component)
    {
        var dest = temp.Combine(component);
        await UnpackAsync(fixtures.Get(component, SystemId.X86_64Linux), dest);
        return dest;
    }

    private static Task<TreeManifest> UnpackAsync(FixtureArtifact artifact, string dest)
    {
        Assert.True(ArtifactFormatNames.TryParse(artifact.Format, out var format), artifact.Format);
        return ArchiveUnpacker.UnpackAsync(artifact.Path, format, dest);
    }

    private static List<string> Names(string dir) =>
        [.. Directory.EnumerateFileSystemEntries(dir).Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal)];

    private static List<string> AllEntries(string dir) =>
        [.. Walk(dir).Select(i => Path.GetRelativePath(dir, i.FullName)).Order(StringComparer.Ordinal)];

    /// <summary>Every entry below <paramref name="root"/>, never descending into a symlinked folder.</summary>
    private static List<FileSystemInfo> Walk(string root)
    {
        var found = new List<FileSystemInfo>();
        var pending = new Stack<DirectoryInfo>([new DirectoryInfo(root)]);
        while (pending.TryPop(out var dir))
        {
            foreach (var child in dir.EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0 }))
            {
                found.Add(child);
                if (child is DirectoryInfo sub && sub.LinkTarget is null)
                {
                    pending.Push(sub);
                }
            }
        }

        return found;
    }

    private static void AssertLink(string dest, string path, string target) =>
        Assert.Equal(target, new FileInfo(Path.Combine(dest, path)).LinkTarget);
}

/// <summary>The fixture artifacts, built once for <see cref="ArchiveUnpackerTests"/> (gcc, xz and makeself).</summary>
public sealed class UnpackFixtureArtifacts : IAsyncLifetime
{
    private readonly TempDir dir = new("nvsdk-unpack-fixtures-");

    public IReadOnlyList<FixtureArtifact> Artifacts { get; private set; } = [];

    public FixtureArtifact Get(string component, SystemId system) =>
        Artifacts.Single(a => a.Component == component && a.Systems.Contains(system));

    /// <summary>The shipped form (CUDA as redistrib packages) and, beside it, the runfile form's CUDA installers.</summary>
    public async Task InitializeAsync()
    {
        var runfiles = new List<FixtureArtifact>();
        foreach (var system in SystemId.All)
        {
            runfiles.Add(await FixtureArchives.CudaRunfileAsync(dir.Path, system, FixtureArchives.RunfileRelease, FixtureArchives.RunfileDriver, FixtureArchives.Payload(4096, 7)));
        }

        Artifacts = [.. await FixtureArchives.BuildAsync(dir.Path, payloadBytes: 4096), .. runfiles];
    }

    public Task DisposeAsync()
    {
        dir.Dispose();
        return Task.CompletedTask;
    }
}
