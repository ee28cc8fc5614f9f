using Nvsdk.Core.Errors;
using Nvsdk.Core.Fetch;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Store;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Store;

public sealed class NvsdkStoreTests : IAsyncLifetime
{
    private static readonly byte[] Content = FixtureArchives.Payload(200_000, 11);
    private static readonly FetchOptions Options = new() { InitialBackoff = TimeSpan.FromMilliseconds(10), StallTimeout = TimeSpan.FromSeconds(5) };

    private readonly FaultHttpServer server = new();
    private readonly TempDir temp = new();
    private readonly ArtifactDownloader downloader = new(Options);

    public Task InitializeAsync()
    {
        server.Route("/a.tar.xz", Fault.Serve(Content));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        downloader.Dispose();
        await server.DisposeAsync();
        temp.Dispose();
    }

    private NvsdkStore OpenStore() => NvsdkStore.Open(temp.Combine("root"));

    private Artifact Artifact(bool pinned = true) => TestArtifacts.For(Content, "a.tar.xz", pinned, withSize: true, server.Url("/a.tar.xz"));

    [Fact]
    public async Task EnsureArtifact_Twice_DownloadsOnceAndRegisters()
    {
        var store = OpenStore();
        var first = await store.EnsureArtifactAsync(Artifact(), downloader);
        var second = await store.EnsureArtifactAsync(Artifact(), downloader);
        Assert.True(first.Downloaded);
        Assert.False(second.Downloaded);
        Assert.Equal(1, server.Count("/a.tar.xz"));
        Assert.Equal(Content, await File.ReadAllBytesAsync(first.FilePath));
        Assert.Equal($"{Sha256Digest.Of(Content).Short}-a.tar.xz", first.Record.Name);
        Assert.Single(store.List());
        Assert.Empty(Directory.EnumerateFileSystemEntries(store.Layout.DownloadsDir));
        Assert.Empty(Directory.EnumerateFileSystemEntries(store.Layout.StagingDir));
    }

    [Fact]
    public async Task EnsureArtifact_Entry_IsReadOnly()
    {
        var result = await OpenStore().EnsureArtifactAsync(Artifact(), downloader);
        Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(result.FilePath) & (UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));
        Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(result.EntryPath) & UnixFileMode.UserWrite);
    }

    [Fact]
    public async Task EnsureArtifact_ManyTasksAtOnce_DownloadsOnce()
    {
        var store = OpenStore();
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.EnsureArtifactAsync(Artifact(), downloader))));
        Assert.Equal(1, results.Count(r => r.Downloaded));
        Assert.Equal(1, server.Count("/a.tar.xz"));
    }

    [Fact]
    public async Task EnsureArtifact_DebrisFromACrash_IsCleanedAndEntryCompleted()
    {
        var store = OpenStore();
        var name = $"{Sha256Digest.Of(Content).Short}-a.tar.xz";
        var staleStaging = Path.Combine(store.Layout.StagingDir, $"{name}.1234.deadbeef");
        Directory.CreateDirectory(staleStaging);
        await File.WriteAllTextAsync(Path.Combine(staleStaging, "half"), "x");
        Directory.CreateDirectory(store.Layout.EntryPath(name)); // renamed but never registered

        var result = await store.EnsureArtifactAsync(Artifact(), downloader);

        Assert.True(result.Downloaded);
        Assert.False(Directory.Exists(staleStaging));
        Assert.True((await store.VerifyAsync()).Healthy);
    }

    [Fact]
    public async Task FindArtifact_UnregisteredFolder_IsNotAnEntry()
    {
        var store = OpenStore();
        Directory.CreateDirectory(store.Layout.EntryPath($"{Sha256Digest.Of(Content).Short}-a.tar.xz"));
        Assert.Null(store.FindArtifact(Artifact()));
        var report = await store.VerifyAsync();
        Assert.Single(report.Debris);
    }

    [Fact]
    public async Task EnsureArtifact_FetchFails_LeavesNoEntryAndNoStaging()
    {
        server.Route("/a.tar.xz", Fault.Serve(FixtureArchives.Payload(Content.Length, 1)));
        var store = OpenStore();
        await Assert.ThrowsAsync<FetchException>(() => store.EnsureArtifactAsync(Artifact(), downloader));
        Assert.Empty(store.List());
        Assert.Empty(Directory.EnumerateFileSystemEntries(store.Layout.StagingDir));
        Assert.DoesNotContain(Directory.EnumerateDirectories(store.Layout.StoreDir), d => !Path.GetFileName(d).StartsWith('.'));
    }

    [Fact]
    public async Task EnsureArtifact_Unpinned_RegistersByDigestAndFindsItAgain()
    {
        var store = OpenStore();
        var first = await store.EnsureArtifactAsync(Artifact(pinned: false), downloader);
        var again = await store.EnsureArtifactAsync(Artifact(pinned: false), downloader);
        Assert.Equal(Sha256Digest.Of(Content).Hex, first.Record.Sha256);
        Assert.False(again.Downloaded);
        Assert.Equal(1, server.Count("/a.tar.xz"));
    }

    [Fact]
    public async Task Verify_TamperedEntry_ReportsCorrupt()
    {
        var store = OpenStore();
        var result = await store.EnsureArtifactAsync(Artifact(), downloader);
        File.SetUnixFileMode(result.FilePath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await using (var stream = new FileStream(result.FilePath, FileMode.Open, FileAccess.Write))
        {
            stream.WriteByte(0xFF);
        }

        var report = await store.VerifyAsync();
        Assert.False(report.Healthy);
        Assert.Equal(EntryState.Corrupt, report.Entries.Single().State);
    }

    [Fact]
    public async Task Verify_EntryFolderRemoved_ReportsMissing()
    {
        var store = OpenStore();
        var result = await store.EnsureArtifactAsync(Artifact(), downloader);
        NvsdkStore.DeleteTree(result.EntryPath);
        Assert.Equal(EntryState.Missing, (await store.VerifyAsync()).Entries.Single().State);
    }

    [Fact]
    public async Task Gc_UnrootedEntry_IsRemovedAndRootedKept()
    {
        var store = OpenStore();
        var kept = await store.EnsureArtifactAsync(Artifact(), downloader);
        var other = FixtureArchives.Payload(1000, 2);
        server.Route("/b.tar.xz", Fault.Serve(other));
        var dropped = await store.EnsureArtifactAsync(TestArtifacts.For(other, "b.tar.xz", server.Url("/b.tar.xz")), downloader);
        await File.WriteAllTextAsync(Path.Combine(store.Layout.RootsDir, "test"), kept.Record.Name + "\n");

        var dry = await store.CollectGarbageAsync(dryRun: true);
        Assert.Equal([dropped.Record.Name], dry.Removed);
        Assert.Equal(2, store.List().Count);

        var report = await store.CollectGarbageAsync(dryRun: false);
        Assert.Equal([dropped.Record.Name], report.Removed);
        Assert.Equal([kept.Record.Name], store.List().Select(r => r.Name));
        Assert.False(Directory.Exists(dropped.EntryPath));
        Assert.True((await store.VerifyAsync()).Healthy);
    }

    [Fact]
    public async Task Gc_Debris_IsRemoved()
    {
        var store = OpenStore();
        Directory.CreateDirectory(store.Layout.EntryPath("0123-orphan"));
        Directory.CreateDirectory(Path.Combine(store.Layout.StagingDir, "0123-x.tar.xz.99.abc"));
        await File.WriteAllTextAsync(store.Layout.PartialPath("0123-x.tar.xz"), "partial");
        var report = await store.CollectGarbageAsync(dryRun: false);
        Assert.Equal(3, report.Debris.Count);
        Assert.Empty((await store.VerifyAsync()).Debris);
    }

    [Fact]
    public void Open_UnwritableRoot_ThrowsStoreUnavailableAndWritesNothing()
    {
        var parent = temp.Combine("ro");
        Directory.CreateDirectory(parent);
        File.WriteAllText(Path.Combine(parent, "file"), "x");
        // A root below a regular file can never be created, even by root.
        var e = Assert.Throws<StoreException>(() => NvsdkStore.Open(Path.Combine(parent, "file", "root")));
        Assert.Equal(ErrorCode.StoreUnavailable, e.Code);
        Assert.Equal(["file"], Directory.EnumerateFileSystemEntries(parent).Select(Path.GetFileName));
    }
}
