using Nvsdk.Core.Fetch;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Mirror;
using Nvsdk.Core.Plan;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Sdk;
using Nvsdk.Core.Store;
using Nvsdk.Core.Tests.LockFile;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Mirror;

/// <summary>`mirror sync` into a folder, end to end through the library with the real fixture archives.</summary>
public sealed class DirectoryMirrorTests(MirrorFixtureArtifacts fixtures) : IClassFixture<MirrorFixtureArtifacts>, IDisposable
{
    private static readonly FetchOptions Options = new() { AttemptsPerSource = 1, StallTimeout = TimeSpan.FromSeconds(5), InitialBackoff = TimeSpan.FromMilliseconds(1) };

    private readonly TempDir temp = new("nvsdk-mirror-");

    public void Dispose() => temp.Dispose();

    private Core.LockFile.LockFile Lock => LockFileParser.Load(fixtures.LockPath);

    private async Task<MirrorSummary> SyncAsync(IMirrorDestination destination, NvsdkStore? store = null)
    {
        var selection = MirrorSync.Select(Lock, SystemId.All);
        return await MirrorSync.RunAsync(selection.Artifacts, store ?? NvsdkStore.Open(temp.Combine("root")), destination, Options);
    }

    [Fact]
    public async Task Sync_EmptyFolder_CopiesEveryArtifactAsComponentSlashFile()
    {
        using var mirror = new DirectoryMirror(temp.Combine("mirror"));

        var summary = await SyncAsync(mirror);

        Assert.True(summary.AllSucceeded);
        Assert.Equal(fixtures.Artifacts.Count, summary.Uploaded);
        Assert.Equal(fixtures.Artifacts.Count, summary.Fetched);
        Assert.Equal(fixtures.Artifacts.Sum(a => a.Size), summary.BytesUploaded);
        foreach (var a in fixtures.Artifacts)
        {
            Assert.Equal(await File.ReadAllBytesAsync(a.Path), await File.ReadAllBytesAsync(temp.Combine("mirror", a.Component, a.FileName)));
        }

        Assert.DoesNotContain(Directory.EnumerateFiles(temp.Combine("mirror"), "*", SearchOption.AllDirectories), f => f.Contains(".tmp-", StringComparison.Ordinal));
        Assert.Equal(new Uri("file://" + temp.Combine("mirror") + "/"), summary.BaseUrl);
    }

    [Fact]
    public async Task Sync_Twice_SecondUploadsNothing()
    {
        using var mirror = new DirectoryMirror(temp.Combine("mirror"));
        await SyncAsync(mirror);

        var again = await SyncAsync(mirror);

        Assert.True(again.AllSucceeded);
        Assert.Equal(0, again.Uploaded);
        Assert.Equal(0, again.Fetched);
        Assert.Equal(fixtures.Artifacts.Count, again.Present);
    }

    [Fact]
    public async Task Sync_DamagedCopySameSize_IsReplaced()
    {
        using var mirror = new DirectoryMirror(temp.Combine("mirror"));
        await SyncAsync(mirror);
        var victim = fixtures.Artifacts[0];
        var path = temp.Combine("mirror", victim.Component, victim.FileName);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[^1] ^= 0xff;
        await File.WriteAllBytesAsync(path, bytes);

        var again = await SyncAsync(mirror);

        Assert.Equal(1, again.Uploaded);
        Assert.Equal(MirrorAction.Uploaded, again.Outcomes.Single(o => o.Artifact.FileName == victim.FileName).Action);
        Assert.Equal(await File.ReadAllBytesAsync(victim.Path), await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Sync_DestinationLimitExceeded_FailsThatArtifactSayingMultipartIsMissing()
    {
        using var mirror = new LimitedMirror(new DirectoryMirror(temp.Combine("mirror")), maxObjectSize: 1);

        var summary = await SyncAsync(mirror);

        Assert.False(summary.AllSucceeded);
        Assert.All(summary.Outcomes, o => Assert.IsType<MirrorException>(o.Error));
        Assert.False(Directory.Exists(temp.Combine("mirror")));
    }

    [Fact]
    public void Select_LockWithUnpinnedAndImage_SkipsThemWithReasons()
    {
        var shipped = LockFileParser.Load(RepoPaths.ShippedLock);

        var selection = MirrorSync.Select(shipped, [SystemId.X86_64Linux]);

        Assert.Equal(27 + 4, selection.Artifacts.Count); // CUDA's 27 redistrib packages, cuDNN, NCCL, TensorRT, cuTENSOR
        Assert.Equal(["cutlass", "tritonserver"], selection.Skipped.Select(s => s.Artifact.Component.Name).Order(StringComparer.Ordinal));
        Assert.All(selection.Artifacts, a => Assert.Contains(SystemId.X86_64Linux, a.Systems));
    }

    [Fact]
    public async Task RewriteThenInstall_UpstreamsUnreachable_InstallsFromTheFolder()
    {
        using var mirror = new DirectoryMirror(temp.Combine("mirror"));
        var summary = await SyncAsync(mirror);
        var rewritten = MirrorLockRewriter.AddMirror(Lock, summary.BaseUrl, summary.Outcomes.Select(o => o.Artifact));
        var lockPath = temp.Combine("mirrored.lock.json");
        LockFileWriter.WriteFile(lockPath, MirrorFixtureArtifacts.WithUpstreamsUnreachable(rewritten));
        var offline = LockFileParser.Load(lockPath);

        Assert.True(LockChecker.Check(lockPath, await File.ReadAllBytesAsync(lockPath), SystemId.All).Passed);
        Assert.All(offline.Components.SelectMany(c => c.Artifacts), a =>
        {
            Assert.Equal(SourceRole.Mirror, a.Sources[0].Role);
            Assert.Equal(MirrorSync.Url(summary.BaseUrl, a), a.Sources[0].Url);
        });

        var store = NvsdkStore.Open(temp.Combine("fresh"));
        var install = await SdkInstaller.InstallAsync(offline, ArtifactSelection.Select(offline, [], SystemId.X86_64Linux, allowUnpinned: false), store, Options);

        Assert.Equal(9, install.Downloaded); // 4 CUDA packages, cuDNN, cuTENSOR, TensorRT, NCCL, CUTLASS
        Assert.All(store.List().Where(r => r.Kind == "artifact"), r => Assert.StartsWith(summary.BaseUrl.AbsoluteUri, r.Source, StringComparison.Ordinal));
    }

    [Fact]
    public void AddMirror_ExistingSources_MirrorFirstOthersKeptInOrder()
    {
        var original = LockFileParser.Load(RepoPaths.ShippedLock);
        var baseUrl = new Uri("https://mirror.example.com/nvsdk/");
        var cudnn = original.Find(ComponentId.Parse("cudnn"))!.Artifacts[0];

        var rewritten = MirrorLockRewriter.AddMirror(original, baseUrl, [cudnn]);
        var again = MirrorLockRewriter.AddMirror(rewritten, baseUrl, [cudnn]);

        var sources = again.Find(ComponentId.Parse("cudnn"))!.Artifacts[0].Sources;
        Assert.Equal($"https://mirror.example.com/nvsdk/cudnn/{cudnn.FileName}", sources[0].Url.AbsoluteUri);
        Assert.Equal(cudnn.Sources.Select(s => s.Url), sources.Skip(1).Select(s => s.Url));
        LockFileWriterTests.AssertEqual(original with { Components = original.Components.Where(c => c.Id.Name != "cudnn").ToList() }, again with { Components = again.Components.Where(c => c.Id.Name != "cudnn").ToList() });
    }

    /// <summary>A folder that pretends to take objects of at most some bytes, like S3's 5 GiB single PUT.</summary>
    private sealed class LimitedMirror(IMirrorDestination inner, long maxObjectSize) : IMirrorDestination
    {
        public Uri BaseUrl => inner.BaseUrl;

        public string Description => inner.Description;

        public long? MaxObjectSize => maxObjectSize;

        public Task<bool> HasAsync(MirrorObject item, CancellationToken cancellationToken = default) => inner.HasAsync(item, cancellationToken);

        public Task PutAsync(MirrorObject item, CancellationToken cancellationToken = default) => inner.PutAsync(item, cancellationToken);

        public void Dispose() => inner.Dispose();
    }
}
