using System.Text;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Primitives;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.LockFile;

public sealed class LockFileWriterTests : IDisposable
{
    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Write_ShippedLock_ReproducesTheFileByteForByte()
    {
        var shipped = File.ReadAllBytes(RepoPaths.ShippedLock);

        var written = LockFileWriter.Write(LockFileParser.Load(RepoPaths.ShippedLock));

        Assert.Equal(Encoding.UTF8.GetString(shipped), Encoding.UTF8.GetString(written));
    }

    [Fact]
    public void WriteThenParse_ShippedLock_GivesAnEqualLock()
    {
        var original = LockFileParser.Load(RepoPaths.ShippedLock);

        var (parsed, diagnostics) = LockFileParser.Parse(RepoPaths.ShippedLock, LockFileWriter.Write(original));

        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        AssertEqual(original, parsed!);
    }

    [Fact]
    public void WriteThenParse_ArtifactVersionOverrideAndMirror_Survive()
    {
        var original = LockFileParser.Load(RepoPaths.ShippedLock);
        var cudnn = original.Components.Single(c => c.Id.Name == "cudnn");
        var changed = cudnn with
        {
            Artifacts = [cudnn.Artifacts[0] with
            {
                Version = "9.17.1.4",
                Size = 1234,
                Sources = [new ArtifactSource(new Uri("file:///srv/mirror/cudnn/" + cudnn.Artifacts[0].FileName), SourceRole.Mirror), .. cudnn.Artifacts[0].Sources],
            }, .. cudnn.Artifacts.Skip(1)],
        };
        var lockFile = original with { Components = original.Components.Select(c => c.Id == changed.Id ? changed : c).ToList() };

        var (parsed, _) = LockFileParser.Parse("x", LockFileWriter.Write(lockFile));

        AssertEqual(lockFile, parsed!);
        Assert.Equal("9.17.1.4", parsed!.Find(ComponentId.Parse("cudnn"))!.Artifacts[0].Version);
    }

    [Fact]
    public void WriteFile_ExistingLock_ReplacedAtomicallyWithoutLeftovers()
    {
        var path = temp.Combine("nvsdk.lock.json");
        File.WriteAllText(path, "old");

        LockFileWriter.WriteFile(path, LockFileParser.Load(RepoPaths.ShippedLock));

        Assert.Equal(File.ReadAllBytes(RepoPaths.ShippedLock), File.ReadAllBytes(path));
        Assert.Single(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    /// <summary>Records holding lists compare by reference; this compares what the lock says, field by field.</summary>
    internal static void AssertEqual(Core.LockFile.LockFile expected, Core.LockFile.LockFile actual)
    {
        Assert.Equal(expected.LockVersion, actual.LockVersion);
        Assert.Equal(expected.CudaVersion, actual.CudaVersion);
        Assert.Equal(expected.Systems, actual.Systems);
        Assert.Equal(expected.Components.Count, actual.Components.Count);
        foreach (var (e, a) in expected.Components.Zip(actual.Components))
        {
            Assert.Equal((e.Id, e.Version, e.License, e.CudaMajor, e.JsonPath), (a.Id, a.Version, a.License, a.CudaMajor, a.JsonPath));
            Assert.Equal(e.Provides, a.Provides);
            Assert.Equal(e.Artifacts.Count, a.Artifacts.Count);
            foreach (var (ea, aa) in e.Artifacts.Zip(a.Artifacts))
            {
                Assert.Equal(
                    (ea.Component, ea.Version, ea.FileName, ea.Format, ea.Sha256, ea.Size, ea.UnpinnedReason, ea.JsonPath),
                    (aa.Component, aa.Version, aa.FileName, aa.Format, aa.Sha256, aa.Size, aa.UnpinnedReason, aa.JsonPath));
                Assert.Equal(ea.Systems, aa.Systems);
                Assert.Equal(ea.Sources.Select(s => (s.Url.OriginalString, s.Role)), aa.Sources.Select(s => (s.Url.OriginalString, s.Role)));
            }
        }
    }
}
