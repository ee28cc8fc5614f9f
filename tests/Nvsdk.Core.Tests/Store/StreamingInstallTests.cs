using Nvsdk.Core.Errors;
using Nvsdk.Core.Fetch;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Store;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Store;

/// <summary>Download and unpack in one pass, batched durability: the tree is right whatever the download does.</summary>
public sealed class StreamingInstallTests : IAsyncLifetime
{
    private static readonly FetchOptions Options = new() { InitialBackoff = TimeSpan.FromMilliseconds(10), StallTimeout = TimeSpan.FromSeconds(5) };

    private readonly FaultHttpServer server = new();
    private readonly TempDir temp = new();
    private readonly ArtifactDownloader downloader = new(Options);
    private byte[] archive = [];
    private byte[] other = [];
    private byte[] damaged = [];

    public async Task InitializeAsync()
    {
        archive = await BuildAsync("good", 1);
        other = await BuildAsync("other", 2);
        damaged = [.. archive];
        damaged[damaged.Length / 2] ^= 0x5A; // same size, wrong bytes: only the digest tells
    }

    public async Task DisposeAsync()
    {
        downloader.Dispose();
        await server.DisposeAsync();
        temp.Dispose();
    }

    private async Task<byte[]> BuildAsync(string name, int seed)
    {
        var dir = temp.Combine("src", name);
        Directory.CreateDirectory(dir);
        var top = "cudnn-linux-x86_64-9.17.0.29_cuda13-archive";
        var built = await FixtureArchives.TarXzAsync(dir, "cudnn", "9.17.0.29", SystemId.X86_64Linux, top + ".tar.xz", top, [
            FixtureEntry.File("lib/libcudnn.so.9", FixtureArchives.Payload(3 << 20, seed)),
            FixtureEntry.Text("include/cudnn.h", "#define CUDNN_MAJOR 9\n"),
            FixtureEntry.Link("lib/libcudnn.so", "libcudnn.so.9"),
        ]);
        return await File.ReadAllBytesAsync(built.Path);
    }

    private NvsdkStore OpenStore() => NvsdkStore.Open(temp.Combine("root"));

    private Artifact Pinned(params string[] paths) => TestArtifacts.For(archive, "cudnn-linux-x86_64-9.17.0.29_cuda13-archive.tar.xz", paths.Select(server.Url).ToArray());

    private static void AssertTree(TreeInstallResult tree)
    {
        Assert.Equal("#define CUDNN_MAJOR 9\n", File.ReadAllText(Path.Combine(tree.EntryPath, "include/cudnn.h")));
        Assert.Equal(FixtureArchives.Payload(3 << 20, 1), File.ReadAllBytes(Path.Combine(tree.EntryPath, "lib/libcudnn.so")));
    }

    private static void AssertNoDebris(NvsdkStore store)
    {
        Assert.Empty(Directory.EnumerateFileSystemEntries(store.Layout.StagingDir));
        Assert.Empty(Directory.EnumerateFileSystemEntries(store.Layout.DownloadsDir));
    }

    private async Task<TreeInstallResult> InstallAsync(NvsdkStore store, Artifact artifact)
    {
        var batch = store.BeginBatch();
        await using (batch)
        {
            var (tree, downloaded) = await store.EnsureTreeStreamingAsync(artifact, downloader, batch: batch);
            Assert.True(downloaded);
            batch.Commit();
            return tree;
        }
    }

    [Fact]
    public async Task Streaming_Download_UnpacksTheVerifiedTreeAndKeepsTheArchive()
    {
        server.Route("/a.tar.xz", Fault.Serve(archive));
        var store = OpenStore();
        var tree = await InstallAsync(store, Pinned("/a.tar.xz"));

        AssertTree(tree);
        Assert.NotNull(store.FindArtifact(Pinned("/a.tar.xz")));
        Assert.Equal(2, store.List().Count);
        AssertNoDebris(store);
        var verdict = await store.VerifyAsync();
        Assert.True(verdict.Healthy);
        Assert.Empty(verdict.Debris);
    }

    [Fact]
    public async Task Streaming_CutShortAndResumed_StillGivesTheRightTree()
    {
        server.Route("/a.tar.xz", Fault.Truncate(archive, archive.Length / 3), Fault.Serve(archive));
        var store = OpenStore();
        AssertTree(await InstallAsync(store, Pinned("/a.tar.xz")));
        AssertNoDebris(store);
    }

    [Fact]
    public async Task Streaming_WrongBytesFromTheMirror_ThrowsThatStagingAwayAndUnpacksTheRightOnes()
    {
        server.Route("/mirror.tar.xz", Fault.Serve(damaged));
        server.Route("/upstream.tar.xz", Fault.Serve(archive));
        var store = OpenStore();
        AssertTree(await InstallAsync(store, Pinned("/mirror.tar.xz", "/upstream.tar.xz")));
        AssertNoDebris(store);
    }

    [Fact]
    public async Task Streaming_OnlyWrongBytes_FailsAndLeavesNothing()
    {
        server.Route("/mirror.tar.xz", Fault.Serve(damaged));
        var store = OpenStore();
        await Assert.ThrowsAsync<FetchException>(() => InstallAsync(store, Pinned("/mirror.tar.xz")));
        Assert.Empty(store.List());
        AssertNoDebris(store);
    }

    [Fact]
    public async Task Batch_StagedEntries_AreInvisibleUntilCommitAndGoneIfNeverCommitted()
    {
        server.Route("/a.tar.xz", Fault.Serve(archive));
        var store = OpenStore();
        var batch = store.BeginBatch();
        await using (batch)
        {
            var (tree, _) = await store.EnsureTreeStreamingAsync(Pinned("/a.tar.xz"), downloader, batch: batch);
            Assert.Empty(store.List());
            Assert.False(Directory.Exists(tree.EntryPath));
        }

        Assert.Empty(store.List());
        Assert.DoesNotContain(Directory.EnumerateDirectories(store.Layout.StoreDir), d => Path.GetFileName(d) != ".tmp");
        AssertNoDebris(store);

        // Nothing holds the locks any more: a later install completes.
        AssertTree(await InstallAsync(store, Pinned("/a.tar.xz")));
        Assert.Equal(2, store.List().Count);
    }

    [Fact]
    public async Task Batch_TwoInstallsWantingEachOthersStagedEntries_BothFinish()
    {
        var first = TestArtifacts.For(archive, "one.tar.xz", server.Url("/one"));
        var second = TestArtifacts.For(other, "two.tar.xz", server.Url("/two"));
        server.Route("/one", Fault.Serve(archive));
        server.Route("/two", Fault.Serve(other));
        var store = OpenStore();
        var a = store.BeginBatch();
        var b = store.BeginBatch();
        await using (a)
        await using (b)
        {
            await store.EnsureArtifactAsync(first, downloader, batch: a);
            await store.EnsureArtifactAsync(second, downloader, batch: b);

            // Each install now wants the entry the other holds staged, then commits at its end: whoever has
            // to wait commits its own staged entries first, so neither waits forever.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            async Task FinishAsync(DurabilityBatch batch, Artifact wanted)
            {
                await store.EnsureArtifactAsync(wanted, downloader, cancellationToken: timeout.Token, batch: batch);
                batch.Commit();
            }

            await Task.WhenAll(Task.Run(() => FinishAsync(a, second)), Task.Run(() => FinishAsync(b, first)));
        }

        Assert.Equal(2, store.List().Count);
        Assert.Equal(1, server.Count("/one"));
        Assert.Equal(1, server.Count("/two"));
    }
}
