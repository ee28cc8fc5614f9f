using System.Net;
using System.Text;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Update;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Update;

/// <summary>
/// cuDNN's redist folder served by an in-process handler, so each test can break one manifest or one body:
/// fall back past a broken newest manifest and say so, a stalled body ends one component, Ctrl-C ends it all.
/// </summary>
public sealed class LockUpdaterRedistribTests
{
    private static readonly UpdateSources Sources = new() { NvidiaBase = new Uri("http://nvidia.test/compute/") };

    private static Core.LockFile.LockFile Shipped => LockFileParser.Load(RepoPaths.ShippedLock);

    [Theory]
    [InlineData("null")]
    [InlineData("{\"release_product\": \"cudnn\", \"release_label\": \"9.30.0\", \"cudnn\": {\"version\": \"9.30.0.1\", \"linux-x86_64\": \"broken\"}}")]
    [InlineData("{\"release_product\": \"cudnn\", \"release_label\": \"9.30.0\", \"cudnn\": {\"version\": \"9.30.0.1\", \"linux-x86_64\": {\"cuda12\": []}}}")]
    public async Task Propose_NewestManifestBroken_FallsBackToTheNextAndSaysSo(string newest)
    {
        var handler = new Canned(new()
        {
            ["/compute/cudnn/redist/redistrib_9.30.0.json"] = newest,
            ["/compute/cudnn/redist/redistrib_9.25.0.json"] = Manifest("9.25.0.1", "cudnn/linux-x86_64/a.tar.xz"),
        });

        var report = await LockUpdater.ProposeAsync(Shipped, Sources, ["cudnn"], handler);

        var proposal = Assert.Single(report.Proposals);
        Assert.Equal("9.25.0.1", proposal.NewVersion);
        Assert.Contains(proposal.Notes, n => n.Contains("redistrib_9.30.0.json", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Propose_RelativePathToAnotherHost_NoDownloadUrlOutsideTheFolder()
    {
        var handler = new Canned(new()
        {
            ["/compute/cudnn/redist/redistrib_9.30.0.json"] = Manifest("9.30.0.1", "//evil.example/x.tar.xz"),
        });

        var report = await LockUpdater.ProposeAsync(Shipped, Sources, ["cudnn"], handler);

        Assert.Empty(report.Proposals);
        Assert.Contains("relative_path", Assert.Single(report.Skipped).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Propose_ManifestBodyStalls_ThatComponentSkippedNotHung()
    {
        var handler = new Canned(new() { ["/compute/cudnn/redist/redistrib_9.30.0.json"] = Canned.Stall });
        var stall = new global::Nvsdk.Core.Http.StallTimeoutHandler(TimeSpan.FromMilliseconds(300)) { InnerHandler = handler };

        var report = await LockUpdater.ProposeAsync(Shipped, Sources, ["cudnn"], stall);

        Assert.Contains("stalled", Assert.Single(report.Skipped).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Propose_CancelledPartWay_ThrowsInsteadOfReturningWhatItHas()
    {
        using var cancel = new CancellationTokenSource();
        var handler = new Canned(new() { ["/compute/cudnn/redist/redistrib_9.30.0.json"] = Canned.Stall }) { OnStall = cancel.Cancel };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => LockUpdater.ProposeAsync(Shipped, Sources, ["cudnn", "cutensor"], handler, cancel.Token));
    }

    private static string Manifest(string version, string path)
    {
        var digest = new string('a', 64);
        string Platform(string name) => $"\"{name}\": {{\"cuda13\": {{\"relative_path\": \"{path}\", \"sha256\": \"{digest}\", \"size\": \"10\"}}}}";
        return $"{{\"release_product\": \"cudnn\", \"release_label\": \"{version}\", \"cudnn\": {{\"version\": \"{version}\", \"cuda_variant\": [\"13\"], {Platform("linux-x86_64")}, {Platform("linux-sbsa")}}}}}";
    }

    /// <summary>Serves the redist index listing every canned manifest, the manifests, and a body that never comes.</summary>
    private sealed class Canned(Dictionary<string, string> files) : HttpMessageHandler
    {
        public const string Stall = "\u0000stall";

        public Action? OnStall { get; init; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            if (path.EndsWith("/redist/", StringComparison.Ordinal))
            {
                var links = string.Concat(files.Keys.Where(k => k.StartsWith(path, StringComparison.Ordinal)).Select(k => $"<a href=\"{k[path.Length..]}\">x</a>\n"));
                return Task.FromResult(Ok(new StringContent(links)));
            }

            if (!files.TryGetValue(path, out var body))
            {
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound));
            }

            if (body == Stall)
            {
                OnStall?.Invoke();
                return Task.FromResult(Ok(new StreamContent(new NeverStream())));
            }

            return Task.FromResult(Ok(new ByteArrayContent(Encoding.UTF8.GetBytes(body))));
        }

        private static HttpResponseMessage Ok(HttpContent content) => new(HttpStatusCode.OK) { Content = content };
    }

    /// <summary>A body that sends nothing until cancelled.</summary>
    private sealed class NeverStream : Core.Platform.ReadOnlyStream
    {
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
