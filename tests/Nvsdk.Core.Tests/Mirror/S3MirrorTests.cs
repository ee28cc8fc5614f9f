using Nvsdk.Core.Fetch;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Mirror;
using Nvsdk.Core.Plan;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Sdk;
using Nvsdk.Core.Store;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Mirror;

/// <summary>
/// `mirror sync` into a real S3-compatible server on loopback (s3rver), then an install that can reach
/// nothing but that server. s3rver stores the x-amz-meta-sha256 we set, so a second sync can skip.
/// </summary>
public sealed class S3MirrorTests(MirrorFixtureArtifacts fixtures) : IClassFixture<MirrorFixtureArtifacts>, IAsyncLifetime
{
    private static readonly FetchOptions Options = new() { AttemptsPerSource = 1, StallTimeout = TimeSpan.FromSeconds(5), InitialBackoff = TimeSpan.FromMilliseconds(1) };

    private readonly TempDir temp = new("nvsdk-s3mirror-");
    private S3rverServer? server;

    public async Task InitializeAsync()
    {
        if (S3rverServer.Executable is not null)
        {
            server = await S3rverServer.StartAsync();
        }
    }

    public Task DisposeAsync()
    {
        server?.Dispose();
        temp.Dispose();
        return Task.CompletedTask;
    }

    private S3rverServer Server
    {
        get
        {
            CiTools.SkipIf(server is null, S3rverServer.MissingReason);
            return server!;
        }
    }

    private static Func<string, string?> Env => name => name switch
    {
        "AWS_ACCESS_KEY_ID" => S3rverServer.AccessKeyId,
        "AWS_SECRET_ACCESS_KEY" => S3rverServer.SecretAccessKey,
        _ => null,
    };

    private IMirrorDestination Destination(string prefix = "nvsdk/v1") =>
        MirrorDestinations.Resolve($"s3://{Server.Bucket}/{prefix}", Server.Endpoint, null, Env);

    private Core.LockFile.LockFile Lock => LockFileParser.Load(fixtures.LockPath);

    private async Task<MirrorSummary> SyncAsync(IMirrorDestination destination, string root = "root") =>
        await MirrorSync.RunAsync(MirrorSync.Select(Lock, SystemId.All).Artifacts, NvsdkStore.Open(temp.Combine(root)), destination, Options);

    [SkippableFact]
    public async Task Sync_EmptyBucket_UploadsEveryArtifactReadableAtTheBaseUrl()
    {
        using var destination = Destination();

        var summary = await SyncAsync(destination);

        Assert.True(summary.AllSucceeded, string.Join("; ", summary.Outcomes.Select(o => o.Error?.Message)));
        Assert.Equal(fixtures.Artifacts.Count, summary.Uploaded);
        Assert.Equal($"{Server.Endpoint}/{Server.Bucket}/nvsdk/v1/", summary.BaseUrl.AbsoluteUri);
        using var http = new HttpClient();
        foreach (var a in fixtures.Artifacts)
        {
            var bytes = await http.GetByteArrayAsync(new Uri(summary.BaseUrl, $"{a.Component}/{a.FileName}"));
            Assert.Equal(await File.ReadAllBytesAsync(a.Path), bytes);
        }
    }

    [SkippableFact]
    public async Task Sync_Twice_SecondUploadsNothing()
    {
        using var destination = Destination();
        await SyncAsync(destination);

        var again = await SyncAsync(destination);

        Assert.True(again.AllSucceeded);
        Assert.Equal(0, again.Uploaded);
        Assert.Equal(fixtures.Artifacts.Count, again.Present);
        Assert.Equal(0, again.Fetched);
    }

    [SkippableFact]
    public async Task Sync_ObjectWithoutDigestMetadata_IsUploadedAgain()
    {
        using var destination = Destination();
        await SyncAsync(destination);
        var victim = Lock.Components.SelectMany(c => c.Artifacts).First();
        var target = S3Target.Parse($"s3://{Server.Bucket}/nvsdk/v1", Server.Endpoint, r2: false, Env);
        using (var client = new S3Client(target, S3Credentials.FromEnvironment(Env)))
        {
            var bytes = await File.ReadAllBytesAsync(new Uri(victim.Sources[0].Url.AbsoluteUri).LocalPath);
            await client.PutObjectAsync(target.ObjectKey(MirrorSync.Key(victim)), () => new MemoryStream(bytes), bytes.Length, Sha256Digest.Of(bytes).Hex, new Dictionary<string, string>());
        }

        var again = await SyncAsync(destination);

        Assert.Equal(1, again.Uploaded);
        Assert.Equal(MirrorAction.Uploaded, again.Outcomes.Single(o => o.Key == MirrorSync.Key(victim)).Action);
    }

    [SkippableFact]
    public async Task HasAsync_AbsentKey_False()
    {
        using var destination = Destination("elsewhere");
        var item = new MirrorObject("cudnn/none.tar.xz", "/nonexistent", 3, Sha256Digest.Of([1, 2, 3]), "none");

        Assert.False(await destination.HasAsync(item));
    }

    [SkippableFact]
    public async Task RewriteThenInstall_UpstreamsUnreachable_InstallsFromTheBucket()
    {
        using var destination = Destination();
        var summary = await SyncAsync(destination);
        var rewritten = MirrorLockRewriter.AddMirror(Lock, summary.BaseUrl, summary.Outcomes.Select(o => o.Artifact));
        var lockPath = temp.Combine("mirrored.lock.json");
        LockFileWriter.WriteFile(lockPath, MirrorFixtureArtifacts.WithUpstreamsUnreachable(rewritten));
        var offline = LockFileParser.Load(lockPath);
        Assert.True(LockChecker.Check(lockPath, await File.ReadAllBytesAsync(lockPath), SystemId.All).Passed);

        var store = NvsdkStore.Open(temp.Combine("fresh"));
        var install = await SdkInstaller.InstallAsync(offline, ArtifactSelection.Select(offline, [], SystemId.X86_64Linux, allowUnpinned: false), store, Options);

        Assert.Equal(9, install.Downloaded); // 4 CUDA packages, cuDNN, cuTENSOR, TensorRT, NCCL, CUTLASS
        Assert.True(Directory.Exists(new Generations(store.Layout).PathOf(install.Generation.Number)));
        Assert.All(store.List().Where(r => r.Kind == "artifact"), r => Assert.StartsWith(summary.BaseUrl.AbsoluteUri, r.Source, StringComparison.Ordinal));
    }
}
