using Nvsdk.Core.Fetch;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Plan;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Sdk;
using Nvsdk.Core.Store;
using Nvsdk.Core.Update;
using Nvsdk.Testing;
using Nvsdk.Testing.Oci;

namespace Nvsdk.Core.Tests.Oci;

/// <summary>
/// Triton through the lock: `update` reads the registry's tags (NGC's naming), passes over a release built
/// on another CUDA major and another flavour, and pins each platform's manifest digest while keeping
/// nvcr.io in the lock; `install` then pulls the pinned image, flattens it, and links it into the generation.
/// </summary>
public sealed class TritonLockTests(TritonRegistryFixture fixture) : IClassFixture<TritonRegistryFixture>
{
    [SkippableFact]
    public async Task Update_PinsTheNewestReleaseForTheLocksCudaMajor_PerPlatform()
    {
        var registry = fixture.Require();
        using var temp = new TempDir("nvsdk-triton-");
        var lockFile = WriteLock(temp.Combine("nvsdk.lock.json"), "docker://nvcr.io/nvidia/tritonserver:25.12-trtllm-python-py3", null, "x86_64-linux\", \"aarch64-linux");
        var sources = new UpdateSources { NgcRegistry = registry.Host };

        var report = await LockUpdater.ProposeAsync(lockFile, sources, ["tritonserver"]);

        var proposal = Assert.Single(report.Proposals);
        Assert.Equal("26.01", proposal.NewVersion);
        var byArch = proposal.Artifacts.ToDictionary(a => a.System);
        Assert.Equal(fixture.Images["26.01-trtllm-python-py3"].Images[0].Manifest.Digest, $"sha256:{byArch[SystemId.X86_64Linux].Sha256.Hex}");
        Assert.Equal(fixture.Images["26.01-trtllm-python-py3"].Images[1].Manifest.Digest, $"sha256:{byArch[SystemId.Aarch64Linux].Sha256.Hex}");
        Assert.Equal($"docker://nvcr.io/nvidia/tritonserver:26.01-trtllm-python-py3@sha256:{byArch[SystemId.X86_64Linux].Sha256.Hex}", byArch[SystemId.X86_64Linux].Url.OriginalString);

        var updated = LockEdits.Apply(lockFile, report.Proposals);
        Assert.Equal(2, updated.Components[0].Artifacts.Count);
        Assert.All(updated.Components[0].Artifacts, a => Assert.True(a.IsPinned));
        Assert.DoesNotContain(LockChecker.CheckSemantics(updated, SystemId.All), d => d.Severity == DiagnosticSeverity.Error);
    }

    [SkippableFact]
    public async Task Update_RegistryUnreachable_ReportsTritonSkipped()
    {
        using var temp = new TempDir("nvsdk-triton-");
        var lockFile = WriteLock(temp.Combine("nvsdk.lock.json"), "docker://nvcr.io/nvidia/tritonserver:25.12-trtllm-python-py3", null, "x86_64-linux");
        var sources = new UpdateSources { NgcRegistry = "127.0.0.1:9", Registry = new() { Fetch = new FetchOptions { AttemptsPerSource = 1 } } };

        var report = await LockUpdater.ProposeAsync(lockFile, sources, ["tritonserver"]);

        Assert.Empty(report.Proposals);
        Assert.Contains("source failed", Assert.Single(report.Skipped).Reason, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Install_PinnedImage_IsPulledFlattenedAndLinkedIntoTheGeneration()
    {
        var registry = fixture.Require();
        using var temp = new TempDir("nvsdk-triton-");
        var amd64 = fixture.Images["26.01-trtllm-python-py3"].Images[0].Manifest.Digest;
        var lockFile = WriteLock(temp.Combine("nvsdk.lock.json"), $"docker://{registry.Host}/nvidia/tritonserver:26.01-trtllm-python-py3", amd64[7..], "x86_64-linux");
        var store = NvsdkStore.Open(temp.Combine("root"));
        var selection = ArtifactSelection.Select(lockFile, [], SystemId.X86_64Linux, allowUnpinned: false);

        var result = await SdkInstaller.InstallAsync(lockFile, selection, store, new FetchOptions());

        var current = new Generations(store.Layout).CurrentLink;
        Assert.Equal("26.01 amd64\n", File.ReadAllText(Path.Combine(current, "images", "tritonserver", "opt", "tritonserver", "VERSION")));
        Assert.True((await store.VerifyAsync()).Healthy);
        var image = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(current, "sbom.cdx.json")))!["components"]!.AsArray().Single()!;
        Assert.Equal("container", (string?)image["type"]); // the SBOM names the image by its manifest digest
        Assert.Equal(amd64[7..], (string?)image["hashes"]![0]!["content"]);
        Assert.Contains($"@sha256%3A{amd64[7..]}", (string?)image["purl"], StringComparison.Ordinal);
        var again = await SdkInstaller.InstallAsync(lockFile, selection, store, new FetchOptions());
        Assert.True(again.NoOp);
        Assert.Equal(1, result.Downloaded);
    }

    [SkippableFact]
    public async Task Install_UnpinnedImage_NeedsAllowUnpinned()
    {
        var registry = fixture.Require();
        using var temp = new TempDir("nvsdk-triton-");
        var lockFile = WriteLock(temp.Combine("nvsdk.lock.json"), $"docker://{registry.Host}/nvidia/tritonserver:26.01-trtllm-python-py3", null, "x86_64-linux");

        var skipped = ArtifactSelection.Select(lockFile, [], SystemId.X86_64Linux, allowUnpinned: false);
        Assert.Contains("not pinned", Assert.Single(skipped.Skipped).Reason, StringComparison.Ordinal);

        var events = new List<FetchEvent>();
        var selection = ArtifactSelection.Select(lockFile, [], SystemId.X86_64Linux, allowUnpinned: true);
        await SdkInstaller.InstallAsync(lockFile, selection, NvsdkStore.Open(temp.Combine("root")), new FetchOptions { AllowUnpinned = true }, e => { lock (events) { events.Add(e); } });
        Assert.Contains(events.OfType<FetchEvent.SourceFailed>(), e => e.Reason.StartsWith("UNPINNED:", StringComparison.Ordinal));
    }

    private static Core.LockFile.LockFile WriteLock(string path, string url, string? sha256, string systems)
    {
        var text = $$"""
        {
          "lockVersion": 1,
          "sdk": { "cuda": "13.1.0" },
          "systems": ["x86_64-linux", "aarch64-linux"],
          "components": [
            {
              "name": "tritonserver",
              "version": "25.12",
              "license": "NVIDIA Deep Learning Container License",
              "cudaMajor": 13,
              "artifacts": [
                {
                  "file": "tritonserver-25.12-trtllm-python-py3",
                  "systems": ["{{systems}}"],
                  "format": "oci-image",
                  "sha256": {{(sha256 is null ? "null" : $"\"{sha256}\"")}},
                  {{(sha256 is null ? "\"unpinned\": \"test\"," : string.Empty)}}
                  "size": null,
                  "sources": [ { "url": "{{url}}", "role": "upstream" } ]
                }
              ]
            }
          ]
        }
        """;
        File.WriteAllText(path, text);
        return LockFileParser.Load(path);
    }
}

/// <summary>A registry holding nvidia/tritonserver with NGC-style tags: multi-platform indexes whose configs say CUDA_VERSION.</summary>
public sealed class TritonRegistryFixture : IAsyncLifetime
{
    private readonly TempDir temp = new("nvsdk-triton-registry-");
    private DockerRegistryServer? registry;

    public Dictionary<string, OciBuiltIndex> Images { get; } = new(StringComparer.Ordinal);

    public DockerRegistryServer Require()
    {
        CiTools.SkipIf(registry is null, DockerRegistryServer.MissingReason);
        return registry!;
    }

    public async Task InitializeAsync()
    {
        if (DockerRegistryServer.Executable is null)
        {
            return;
        }

        registry = await DockerRegistryServer.StartAsync();
        var layout = new OciLayoutBuilder(temp.Combine("layout"));
        var releases = new (string Tag, string Cuda)[]
        {
            ("25.11-trtllm-python-py3", "13.0.2"),
            ("25.12-trtllm-python-py3", "13.1.0"),
            ("26.01-trtllm-python-py3", "13.1.1"),
            ("26.02-trtllm-python-py3", "14.0.0"), // a newer major: must be passed over
            ("26.03-py3", "13.2.0"),               // another flavour: must be ignored
        };
        using var http = registry.CreateClient();
        foreach (var (tag, cuda) in releases)
        {
            var images = new[] { "amd64", "arm64" }.Select(arch => layout.AddImage(new OciImageSpec([
                new([
                    LayerEntry.Directory("opt/"),
                    LayerEntry.Directory("opt/tritonserver/"),
                    LayerEntry.File("opt/tritonserver/VERSION", $"{tag[..5]} {arch}\n"),
                    LayerEntry.File("opt/tritonserver/bin/tritonserver", "#!/bin/sh\n", LayerEntry.Mode755),
                ]),
            ]) { Architecture = arch, Env = [$"CUDA_VERSION={cuda}", "PATH=/usr/bin"] })).ToList();
            var index = layout.AddIndex(images);
            Images[tag] = index;
            await RegistryPush.IndexAsync(http, layout, "nvidia/tritonserver", index, tag);
        }
    }

    public Task DisposeAsync()
    {
        registry?.Dispose();
        temp.Dispose();
        return Task.CompletedTask;
    }
}
