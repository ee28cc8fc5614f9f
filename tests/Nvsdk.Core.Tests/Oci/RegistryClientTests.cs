using Nvsdk.Core.Errors;
using Nvsdk.Core.Oci;
using Nvsdk.Core.Oci.Registry;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Store;
using Nvsdk.Testing;
using Nvsdk.Testing.Oci;
using CoreCredentials = Nvsdk.Core.Oci.Registry.RegistryCredentials;
using OciDescriptor = Nvsdk.Core.Oci.OciDescriptor;

namespace Nvsdk.Core.Tests.Oci;

/// <summary>
/// nvsdk's OCI client against Debian's docker-registry, with images skopeo (someone else's writer) pushed:
/// platform choice in OCI and Docker indexes, basic auth, digest checks on manifests and blobs, resume, and
/// image entries in the store that need no network once pinned.
/// </summary>
public sealed class RegistryClientTests(RegistryClientFixture fixture) : IClassFixture<RegistryClientFixture>
{
    [SkippableFact]
    public async Task Pull_MultiPlatformIndex_TakesTheAskedPlatformAndPinsItsManifest()
    {
        var registry = fixture.Require();
        using var root = new TempDir("nvsdk-oci-");
        var store = NvsdkStore.Open(root.Path);
        using var client = new RegistryClient();

        var pulled = await store.PullImageAsync(fixture.Ref(registry, "multi"), OciPlatforms.Arm64, client);

        Assert.True(pulled.Downloaded);
        Assert.Equal(fixture.Images.Arm64.Manifest.Digest, $"sha256:{pulled.Record.Sha256}");
        Assert.Equal(fixture.Images.Index.Index.Digest, $"sha256:{pulled.Resolved!.IndexDigest!.Value.Hex}");
        Assert.Equal("linux/arm64/v8", pulled.Resolved.Platform!.ToString());
        var (_, layers) = NvsdkStore.ReadImageLayout(pulled.EntryPath);
        Assert.Equal(fixture.Images.Arm64.Layers.Select(l => l.Blob.Digest), layers.Select(l => l.Digest));
        Assert.True((await store.VerifyAsync()).Healthy);
        Assert.Contains(pulled.Record.Name, File.ReadAllLines(Path.Combine(store.Layout.RootsDir, "images")));
    }

    [SkippableFact]
    public async Task PulledImage_IsKeptByGc_UntilForgotten()
    {
        var registry = fixture.Require();
        using var root = new TempDir("nvsdk-oci-");
        var store = NvsdkStore.Open(root.Path);
        using var client = new RegistryClient();
        var reference = fixture.Ref(registry, "v1");
        var pulled = await store.PullImageAsync(reference, null, client);

        await store.CollectGarbageAsync(dryRun: false);
        Assert.Single(store.ListImages());

        var forgotten = store.ForgetImages(reference.ToString());
        await store.CollectGarbageAsync(dryRun: false);

        Assert.Equal(pulled.Record.Name, Assert.Single(forgotten).Name);
        Assert.Empty(store.ListImages());
        Assert.False(Directory.Exists(pulled.EntryPath));
        Assert.Throws<UsageException>(() => store.ForgetImages(reference.ToString()));
    }

    [SkippableFact]
    public async Task Pull_DockerManifestList_Works()
    {
        var registry = fixture.Require();
        using var root = new TempDir("nvsdk-oci-");
        using var client = new RegistryClient();

        var pulled = await NvsdkStore.Open(root.Path).PullImageAsync(fixture.Ref(registry, "docker-multi"), OciPlatforms.Amd64, client);

        Assert.Equal(OciMediaTypes.DockerManifest, pulled.Resolved!.Manifest.MediaType);
        Assert.Equal(fixture.Images.DockerIndex.Images[0].Manifest.Digest, $"sha256:{pulled.Record.Sha256}");
    }

    [SkippableFact]
    public async Task Pull_MissingPlatform_ListsWhatTheIndexHas()
    {
        var registry = fixture.Require();
        using var client = new RegistryClient();

        var error = await Assert.ThrowsAsync<UsageException>(() => client.ResolveAsync(fixture.Ref(registry, "multi"), OciPlatforms.Parse("linux/ppc64le")));

        Assert.Contains("has no linux/ppc64le image", error.Message, StringComparison.Ordinal);
        Assert.Contains("linux/amd64, linux/arm64/v8", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Pull_ByDigest_WhenPresent_AsksNothing()
    {
        var registry = fixture.Require();
        using var root = new TempDir("nvsdk-oci-");
        var store = NvsdkStore.Open(root.Path);
        using (var client = new RegistryClient())
        {
            await store.PullImageAsync(fixture.Ref(registry, "v1"), null, client);
        }

        var pinned = fixture.Ref(registry, "v1").WithDigest(Sha256Digest.Parse(fixture.Images.Amd64.Manifest.Digest));
        using var offline = new RegistryClient(handler: new RefusingHandler());
        var again = await store.PullImageAsync(pinned, null, offline);

        Assert.False(again.Downloaded);
    }

    [SkippableFact]
    public async Task Pull_WithBasicAuth_UsesTheCredentials_AndWithoutThemSaysWhatToDo()
    {
        var registry = fixture.RequireAuth();
        using var root = new TempDir("nvsdk-oci-");
        var reference = ImageReference.Parse($"{registry.Host}/nvsdk/test:v1");
        using var anonymous = new RegistryClient(new RegistryClientOptions { Credentials = _ => null });
        var denied = await Assert.ThrowsAsync<RegistryException>(() => anonymous.ResolveAsync(reference, null));
        Assert.Contains("needs a user name and password", denied.Message, StringComparison.Ordinal);

        using var wrong = new RegistryClient(new RegistryClientOptions { Credentials = _ => new CoreCredentials("nvsdk", "wrong") });
        var refused = await Assert.ThrowsAsync<RegistryException>(() => wrong.ResolveAsync(reference, null));
        Assert.Equal(401, refused.Status);

        using var client = new RegistryClient(new RegistryClientOptions { Credentials = _ => new CoreCredentials(registry.Username!, registry.Password!) });
        var pulled = await NvsdkStore.Open(root.Path).PullImageAsync(reference, null, client);
        Assert.Equal(fixture.Images.Amd64.Manifest.Digest, $"sha256:{pulled.Record.Sha256}");
    }

    [SkippableFact]
    public async Task Pull_WithACredentialHelper_FromTheAuthFile()
    {
        var registry = fixture.RequireAuth();
        using var temp = new TempDir("nvsdk-oci-");
        var helper = temp.Combine("bin", "docker-credential-nvsdktest");
        Directory.CreateDirectory(temp.Combine("bin"));
        File.WriteAllText(helper, $$"""
            #!/bin/sh
            read host
            [ "$host" = "{{registry.Host}}" ] || exit 1
            printf '{"ServerURL":"%s","Username":"{{registry.Username}}","Secret":"{{registry.Password}}"}' "$host"
            """);
        File.SetUnixFileMode(helper, (UnixFileMode)0b111_101_101);
        Environment.SetEnvironmentVariable("PATH", temp.Combine("bin") + ":" + Environment.GetEnvironmentVariable("PATH"));
        var authFile = temp.Combine("config.json");
        File.WriteAllText(authFile, $$"""{ "auths": {}, "credHelpers": { "{{registry.Host}}": "nvsdktest" } }""");

        Assert.Equal(registry.Username, CoreCredentials.FromAuthFile(authFile, registry.Host)?.Username);
        Assert.Null(CoreCredentials.FromAuthFile(authFile, "other.example:5000"));
        using var client = new RegistryClient(new RegistryClientOptions { Credentials = r => CoreCredentials.FromAuthFile(authFile, r) });
        var pulled = await NvsdkStore.Open(temp.Combine("root")).PullImageAsync(ImageReference.Parse($"{registry.Host}/nvsdk/test:v1"), null, client);
        Assert.Equal(fixture.Images.Amd64.Manifest.Digest, $"sha256:{pulled.Record.Sha256}");
    }

    [SkippableFact]
    public async Task Pull_CorruptBlobInTheRegistry_FailsNamingIt_AndRegistersNothing()
    {
        var registry = fixture.Require();
        using var root = new TempDir("nvsdk-oci-");
        var store = NvsdkStore.Open(root.Path);
        var layout = new OciLayoutBuilder(root.Combine("layout"));
        var image = layout.AddImage(new OciImageSpec([new([LayerEntry.File("a", "original bytes\n")])]));
        layout.Tag("bad", image.Manifest);
        await Skopeo.CopyToRegistryAsync(layout.Directory, "bad", registry, "nvsdk/corrupt", "bad");
        var blob = registry.BlobPath(image.Layers[0].Blob.Digest);
        var bytes = File.ReadAllBytes(blob);
        bytes[^5] ^= 0xFF;
        File.WriteAllBytes(blob, bytes);
        using var client = new RegistryClient(new RegistryClientOptions { Fetch = new Nvsdk.Core.Fetch.FetchOptions { AttemptsPerSource = 1 } });

        var error = await Assert.ThrowsAsync<DigestMismatchException>(() => store.PullImageAsync(ImageReference.Parse($"{registry.Host}/nvsdk/corrupt:bad"), null, client));

        Assert.Contains(image.Layers[0].Blob.Digest, error.Message, StringComparison.Ordinal);
        Assert.Empty(store.List());
        Assert.DoesNotContain(Directory.EnumerateDirectories(store.Layout.StoreDir), d => !Path.GetFileName(d).StartsWith('.'));
        Assert.Empty(Directory.EnumerateFileSystemEntries(store.Layout.StagingDir));
    }

    [SkippableFact]
    public async Task DownloadBlob_ResumesAPartialFile()
    {
        var registry = fixture.Require();
        using var root = new TempDir("nvsdk-oci-");
        var layer = fixture.Images.Amd64.Layers[0].Blob;
        var partial = root.Combine("blob.part");
        var full = File.ReadAllBytes(fixture.Images.Layout.BlobPath(layer.Digest));
        File.WriteAllBytes(partial, full[..(full.Length / 2)]);
        using var client = new RegistryClient();

        await client.DownloadBlobAsync(fixture.Ref(registry, "v1"), new OciDescriptor { MediaType = layer.MediaType, Digest = layer.Digest, Size = layer.Size }, partial);

        Assert.Equal(full, File.ReadAllBytes(partial));
    }

    [SkippableFact]
    public async Task Tags_ListsWhatWasPushed()
    {
        var registry = fixture.Require();
        using var client = new RegistryClient();

        var tags = await client.ListTagsAsync(fixture.Ref(registry, "v1"));

        Assert.Equal(["docker-multi", "multi", "v1"], tags.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("nvcr.io/nvidia/tritonserver:25.12-trtllm-python-py3", "nvcr.io", "nvidia/tritonserver", "25.12-trtllm-python-py3")]
    [InlineData("docker://nvcr.io/nvidia/tritonserver:25.12-py3", "nvcr.io", "nvidia/tritonserver", "25.12-py3")]
    [InlineData("ubuntu", "registry-1.docker.io", "library/ubuntu", "latest")]
    [InlineData("localhost:5000/a/b", "localhost:5000", "a/b", "latest")]
    [InlineData("127.0.0.1:5000/cache:x-1.0", "127.0.0.1:5000", "cache", "x-1.0")]
    public void Reference_Parses(string text, string registry, string repository, string tag)
    {
        var reference = ImageReference.Parse(text);

        Assert.Equal((registry, repository, tag), (reference.Registry, reference.Repository, reference.Tag));
    }

    [Theory]
    [InlineData("nvcr.io/Nvidia/x:1")]
    [InlineData("nvcr.io/nvidia/x@sha256:abc")]
    [InlineData("nvcr.io/nvidia/x:-bad")]
    public void Reference_Bad_IsOneClearError(string text)
    {
        var error = Assert.Throws<UsageException>(() => ImageReference.Parse(text));

        Assert.Contains("is not an image reference", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Challenge_ParsesBearerWithQuotedCommas()
    {
        var challenge = AuthChallenge.Parse("Bearer realm=\"https://auth.example/token\",service=\"registry\",scope=\"repository:a/b:pull,push\"")!;

        Assert.Equal(("Bearer", "https://auth.example/token", "registry", "repository:a/b:pull,push"), (challenge.Scheme, challenge.Realm, challenge.Service, challenge.Scope));
    }

    /// <summary>Fails any request: proves a code path does not touch the network.</summary>
    private sealed class RefusingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException($"no request expected, got {request.Method} {request.RequestUri}");
    }
}

/// <summary>One plain and one htpasswd docker-registry holding the infra fixture's images, pushed by skopeo.</summary>
public sealed class RegistryClientFixture : IAsyncLifetime
{
    private readonly RegistryInfraFixture images = new();

    public RegistryInfraFixture Images => images;

    public DockerRegistryServer Require()
    {
        CiTools.SkipIf(images.Anonymous is null, DockerRegistryServer.MissingReason);
        CiTools.SkipIf(Skopeo.Executable is null, Skopeo.MissingReason);
        return images.Anonymous!;
    }

    public DockerRegistryServer RequireAuth()
    {
        Require();
        return images.WithAuth!;
    }

    public ImageReference Ref(DockerRegistryServer registry, string tag) => ImageReference.Parse($"{registry.Host}/nvsdk/test:{tag}");

    public async Task InitializeAsync()
    {
        await images.InitializeAsync();
        if (images.Anonymous is null || Skopeo.Executable is null)
        {
            return;
        }

        foreach (var tag in new[] { RegistryInfraFixture.ImageTag, RegistryInfraFixture.IndexTag })
        {
            await Skopeo.CopyToRegistryAsync(images.Layout.Directory, tag, images.Anonymous, "nvsdk/test", tag);
        }

        await Skopeo.CopyToRegistryAsync(images.Layout.Directory, RegistryInfraFixture.ImageTag, images.WithAuth!, "nvsdk/test", RegistryInfraFixture.ImageTag);
        using var http = images.Anonymous.CreateClient();
        await RegistryPush.IndexAsync(http, images.Layout, "nvsdk/test", images.DockerIndex, RegistryInfraFixture.DockerIndexTag);
    }

    public Task DisposeAsync() => images.DisposeAsync();
}

/// <summary>
/// Bearer-token auth as Docker Hub, NGC and GHCR do it, against docker-registry in `auth: token` mode with a
/// real token service (JWTs the registry verifies): the client follows the challenge, asks exactly for the
/// scope it needs, with basic credentials when it has them, and pushes and pulls with the token.
/// </summary>
public sealed class RegistryTokenAuthTests
{
    [SkippableFact]
    public async Task PushAndPull_WithBearerTokens_AsksForTheScopesItNeeds()
    {
        CiTools.SkipIf(DockerRegistryServer.Executable is null, DockerRegistryServer.MissingReason);
        using var tokens = RegistryTokenServer.Start();
        using var registry = await DockerRegistryServer.StartAsync(token: tokens.RegistryAuth);
        using var temp = new TempDir("nvsdk-token-");
        var layout = new OciLayoutBuilder(temp.Combine("layout"));
        var image = layout.AddImage(new OciImageSpec([new([LayerEntry.File("etc/hello", "token auth\n")])]));
        layout.Tag("v1", image.Manifest);
        var reference = ImageReference.Parse($"{registry.Host}/nvsdk/tokened:v1");
        using var pusher = new RegistryClient(new RegistryClientOptions { Credentials = _ => new CoreCredentials(tokens.Credentials.Username, tokens.Credentials.Password) });

        var pushed = await OciLayoutPusher.PushAsync(layout.Directory, "v1", reference, pusher);

        Assert.Equal(image.Manifest.Digest, $"sha256:{pushed.Pushed.Digest!.Value.Hex}");
        Assert.Contains(("repository:nvsdk/tokened:pull,push", true), tokens.Requests);

        using var anonymous = new RegistryClient(new RegistryClientOptions { Credentials = _ => null });
        var pulled = await NvsdkStore.Open(temp.Combine("root")).PullImageAsync(reference, null, anonymous);
        Assert.Equal(image.Manifest.Digest, $"sha256:{pulled.Record.Sha256}");
        Assert.Contains(("repository:nvsdk/tokened:pull", false), tokens.Requests);

        var denied = await Assert.ThrowsAsync<RegistryException>(() => anonymous.PushManifestAsync(reference, "v2", File.ReadAllBytes(layout.BlobPath(image.Manifest.Digest)), OciMediaTypes.OciManifest));
        Assert.Contains("access denied anonymously", denied.Message, StringComparison.Ordinal);
    }
}
