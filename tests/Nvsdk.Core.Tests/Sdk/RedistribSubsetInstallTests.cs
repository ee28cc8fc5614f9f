using System.Text.Json.Nodes;
using Nvsdk.Core.Fetch;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Plan;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Sdk;
using Nvsdk.Core.Store;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Sdk;

/// <summary>
/// CUDA in the redistrib form is one component per NVIDIA package, so a user installs what they need: only the
/// runtime and cuBLAS here, from archives in NVIDIA's layout (`&lt;pkg&gt;-linux-x86_64-&lt;ver&gt;-archive/`).
/// </summary>
public sealed class RedistribSubsetInstallTests : IDisposable
{
    private readonly TempDir temp = new("nvsdk-redist-");

    public void Dispose() => temp.Dispose();

    private async Task<JsonObject> PackageAsync(string name, string version, IReadOnlyList<FixtureEntry> entries)
    {
        var dir = temp.Combine("srv");
        Directory.CreateDirectory(dir);
        var top = $"{name}-linux-x86_64-{version}-archive";
        var built = await FixtureArchives.TarXzAsync(dir, name, version, SystemId.X86_64Linux, top + ".tar.xz", top, entries);
        return new JsonObject
        {
            ["name"] = name, ["version"] = version, ["license"] = "CUDA Toolkit", ["cudaMajor"] = 13, ["provides"] = new JsonArray(name),
            ["artifacts"] = new JsonArray(new JsonObject
            {
                ["file"] = built.FileName, ["systems"] = new JsonArray("x86_64-linux"), ["format"] = "tar.xz",
                ["sha256"] = built.Sha256.Hex, ["size"] = built.Size,
                ["sources"] = new JsonArray(new JsonObject { ["url"] = new Uri(built.Path).AbsoluteUri, ["role"] = "mirror" }),
            }),
        };
    }

    [Fact]
    public async Task Install_OnlyCublasAndCudart_GivesThoseAndNothingElse()
    {
        var components = new JsonArray(
            await PackageAsync("cuda_cudart", "13.1.80", [FixtureEntry.File("lib/libcudart.so.13", FixtureArchives.Payload(5000, 1)), FixtureEntry.Text("include/cuda_runtime.h", "#pragma once\n")]),
            await PackageAsync("libcublas", "13.2.1.1", [FixtureEntry.File("lib/libcublas.so.13", FixtureArchives.Payload(9000, 2)), FixtureEntry.Text("include/cublas_v2.h", "#pragma once\n")]),
            await PackageAsync("cuda_nvcc", "13.1.115", [FixtureEntry.Text("bin/nvcc", "#!/bin/sh\n", executable: true)]));
        var lockPath = temp.Combine("redist.lock.json");
        await File.WriteAllTextAsync(lockPath, new JsonObject
        {
            ["lockVersion"] = 1, ["sdk"] = new JsonObject { ["cuda"] = "13.1.1" }, ["systems"] = new JsonArray("x86_64-linux"), ["components"] = components,
        }.ToJsonString());
        var lockFile = LockFileParser.Load(lockPath);
        var store = NvsdkStore.Open(temp.Combine("root"));

        var result = await SdkInstaller.InstallAsync(lockFile, ArtifactSelection.Select(lockFile, ["libcublas", "cuda_cudart"], SystemId.X86_64Linux, allowUnpinned: false), store, new FetchOptions());

        Assert.Equal(["cuda_cudart", "libcublas"], result.Generation.Components.Select(c => c.Name));
        var current = new Generations(store.Layout).CurrentLink;
        var files = Directory.EnumerateFiles(current, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        Assert.Contains("libcublas.so.13", files);
        Assert.Contains("libcudart.so.13", files);
        Assert.Contains("cublas_v2.h", files);
        Assert.DoesNotContain("nvcc", files);
        Assert.True((await store.VerifyAsync()).Healthy);
    }
}
