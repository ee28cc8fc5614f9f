using System.Text.Json;
using Nvsdk.Testing;

namespace Nvsdk.Cli.Tests;

/// <summary>
/// `nvsdk update` against real NVIDIA manifest copies, NVIDIA-shaped listings and fixture files served by nginx. Most
/// cases run on the runfile lock variant (CUDA 13.1.0 → the 13.1.1 runfiles, hashed by download); the shipped lock's
/// redistrib packages are read from the manifest alone (LockUpdaterCudaRedistribTests has the moving cases).
/// </summary>
public sealed class UpdateCommandTests(UpdateSourcesServer server) : IClassFixture<UpdateSourcesServer>, IDisposable
{
    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    private Task<ProcessResult> DryRunAsync(params string[] extra) =>
        Nvsdk.RunAsync(["update", "--dry-run", "--lock", RepoPaths.RunfileLock, .. server.Bases(), .. extra]);

    private static Dictionary<string, JsonElement> Proposals(JsonDocument json) =>
        json.RootElement.GetProperty("proposals").EnumerateArray().ToDictionary(p => p.GetProperty("component").GetString()!);

    private static Dictionary<string, string> Skipped(JsonDocument json) =>
        json.RootElement.GetProperty("skipped").EnumerateArray().ToDictionary(s => s.GetProperty("component").GetString()!, s => s.GetProperty("reason").GetString()!);

    /// <summary>
    /// Every component but Triton answered: nvcr.io is unreachable here, so `update` reports that one source as
    /// failed and exits 1 (apt-get update's rule), having done everything else.
    /// </summary>
    private static void AssertOnlyTritonUnchecked(ProcessResult update)
    {
        Assert.True(update.ExitCode == 1, update.ToString());
        Assert.Contains("1 component source(s) could not be checked", update.Stderr, StringComparison.Ordinal);
        Assert.Contains("tritonserver", update.Stdout, StringComparison.Ordinal);
    }

    private string CopyRunfileLock()
    {
        var lockPath = temp.Combine("lock.json");
        File.Copy(RepoPaths.RunfileLock, lockPath);
        return lockPath;
    }

    [Fact]
    public async Task DryRun_ShippedLock_ProposesCudnn920AndTheCu13Nccl()
    {
        var update = await DryRunAsync("--json");
        Assert.True(update.ExitCode == 1, update.ToString()); // nvcr.io (Triton) is unreachable here
        using (var failed = JsonDocument.Parse(update.Stdout))
        {
            Assert.Equal(["tritonserver"], failed.RootElement.GetProperty("skipped").EnumerateArray().Where(s => s.GetProperty("sourceFailed").GetBoolean()).Select(s => s.GetProperty("component").GetString()));
        }

        using var json = JsonDocument.Parse(update.Stdout);
        var proposals = Proposals(json);
        Assert.Equal("9.20.0.48", proposals["cudnn"].GetProperty("newVersion").GetString());
        var x86 = proposals["cudnn"].GetProperty("artifacts").EnumerateArray().Single(a => a.GetProperty("system").GetString() == "x86_64-linux");
        Assert.Equal("73f091ee57668dc18e8b1b61811c0ddff2ec0b762efe613e9f27f9ebfd6c20c0", x86.GetProperty("sha256").GetString());
        Assert.EndsWith("/cudnn/redist/cudnn/linux-x86_64/cudnn-linux-x86_64-9.20.0.48_cuda13-archive.tar.xz", x86.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.Equal("2.28.9", proposals["nccl"].GetProperty("newVersion").GetString());
        Assert.Contains("newest", Skipped(json)["cutensor"], StringComparison.Ordinal); // 2.4.1.4 pinned, 2.3.0.6 served
    }

    [Fact]
    public async Task DryRun_ShippedRedistribLock_EveryCudaPackageCheckedAgainstTheManifestNoArchiveFetched()
    {
        var before = server.Nginx.ReadAccessLog().Count;
        var update = await Nvsdk.RunAsync(["update", "--dry-run", "--lock", RepoPaths.ShippedLock, "--json", .. server.Bases()]);
        Assert.True(update.ExitCode == 1, update.ToString()); // nvcr.io (Triton) is unreachable here
        using var json = JsonDocument.Parse(update.Stdout);
        var skipped = Skipped(json);
        foreach (var package in new[] { "cuda_nvcc", "cuda_cudart", "libcublas", "cuda_gdb" })
        {
            Assert.EndsWith(" is the newest", skipped[package], StringComparison.Ordinal); // the lock pins redistrib_13.1.1.json, the newest served
        }

        Assert.Equal(["cudnn", "cutlass", "nccl", "tensorrt"], Proposals(json).Keys.Order(StringComparer.Ordinal));
        var requests = server.Nginx.ReadAccessLog().Skip(before).Select(l => l.Path).ToList();
        Assert.Single(requests, p => p.EndsWith("/cuda/redist/redistrib_13.1.1.json", StringComparison.Ordinal));
        Assert.DoesNotContain(requests, p => p.Contains("/cuda/", StringComparison.Ordinal) && (p.EndsWith(".tar.xz", StringComparison.Ordinal) || p.EndsWith(".run", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task DryRun_CudaAndTensorRt_ProposeTheServedFilesWithTheirDigests()
    {
        var update = await DryRunAsync("--json", "--component", "cuda", "tensorrt");
        Assert.True(update.ExitCode == 0, update.ToString());
        using var json = JsonDocument.Parse(update.Stdout);
        var proposals = Proposals(json);
        Assert.Equal(["cuda", "tensorrt"], proposals.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(Skipped(json));

        Assert.Equal(("13.1.0", "13.1.1"), (proposals["cuda"].GetProperty("oldVersion").GetString(), proposals["cuda"].GetProperty("newVersion").GetString()));
        Assert.Equal(("10.15.1.29", "10.16.1.11"), (proposals["tensorrt"].GetProperty("oldVersion").GetString(), proposals["tensorrt"].GetProperty("newVersion").GetString()));
        foreach (var (component, fixtures) in new[] { ("cuda", server.Sources.CudaRunfiles), ("tensorrt", server.Sources.TensorRtTars) })
        {
            var artifacts = proposals[component].GetProperty("artifacts").EnumerateArray().ToList();
            Assert.Equal(fixtures.Count, artifacts.Count);
            foreach (var fixture in fixtures)
            {
                var artifact = artifacts.Single(a => a.GetProperty("system").GetString() == fixture.Systems.Single().Name);
                Assert.Equal(fixture.FileName, artifact.GetProperty("file").GetString());
                // The expected digest is the served file's own bytes, hashed here.
                Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(fixture.Path))), artifact.GetProperty("sha256").GetString());
                Assert.Equal(new FileInfo(fixture.Path).Length, artifact.GetProperty("size").GetInt64());
                Assert.EndsWith(fixture.FileName, artifact.GetProperty("url").GetString(), StringComparison.Ordinal);
            }
        }

        Assert.Equal(["cuda_13.1.1_590.48.01_linux.run", "cuda_13.1.1_590.48.01_linux_sbsa.run"], server.Sources.CudaRunfiles.Select(f => f.FileName));
        var note = Assert.Single(proposals["tensorrt"].GetProperty("notes").EnumerateArray()).GetString();
        Assert.Contains("10.17.0: no aarch64-linux tar for CUDA 13", note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DryRun_Text_ShowsATableAndChangesNothing()
    {
        var before = await File.ReadAllBytesAsync(RepoPaths.RunfileLock);
        var update = await DryRunAsync();
        AssertOnlyTritonUnchecked(update);
        Assert.Contains("9.17.0.29 → 9.20.0.48", update.Stdout, StringComparison.Ordinal);
        Assert.Contains("13.1.0 → 13.1.1", update.Stdout, StringComparison.Ordinal);
        Assert.Contains("10.15.1.29 → 10.16.1.11", update.Stdout, StringComparison.Ordinal);
        Assert.Contains("passed over 10.17.0", update.Stdout, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(RepoPaths.RunfileLock));
    }

    [Fact]
    public async Task Update_WritesALockThatCheckAccepts()
    {
        var lockPath = CopyRunfileLock();
        var update = await Nvsdk.RunAsync(["update", "--lock", lockPath, .. server.Bases()]);
        AssertOnlyTritonUnchecked(update);
        var text = await File.ReadAllTextAsync(lockPath);
        Assert.Contains("cudnn-linux-x86_64-9.20.0.48_cuda13-archive.tar.xz", text, StringComparison.Ordinal);
        Assert.Contains("https://nvidia-redistributable.weyl.ai/cudnn/cudnn-linux-x86_64-9.20.0.48_cuda13-archive.tar.xz", text, StringComparison.Ordinal);
        Assert.Contains("nvidia_nccl_cu13-2.28.9", text, StringComparison.Ordinal);
        Assert.Contains("https://nvidia-redistributable.weyl.ai/TensorRT-10.16.1.11.Linux.aarch64-gnu.cuda-13.1.tar.gz", text, StringComparison.Ordinal);
        foreach (var fixture in server.Sources.CudaRunfiles.Concat(server.Sources.TensorRtTars).Append(server.Sources.Cutlass))
        {
            Assert.Contains(fixture.Sha256.Hex, text, StringComparison.Ordinal); // CUTLASS is pinned now too
        }

        using (var json = JsonDocument.Parse(text))
        {
            Assert.Equal("13.1.1", json.RootElement.GetProperty("sdk").GetProperty("cuda").GetString());
            var cuda = json.RootElement.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "cuda");
            Assert.All(cuda.GetProperty("artifacts").EnumerateArray(), a => Assert.Equal("makeself", a.GetProperty("format").GetString()));
        }

        var check = await Nvsdk.RunAsync("check", "--all-systems", "--lock", lockPath, "--json");
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.DoesNotContain("cuda-major", check.Stdout, StringComparison.Ordinal); // the cu13 wheel fixed the seed's mismatch
        Assert.DoesNotContain("\"component\": \"cutlass\"", check.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_SbsaRunfileMissing_SkipsCudaAndLeavesItsPinAsItWas()
    {
        var lockPath = CopyRunfileLock();
        var before = await File.ReadAllBytesAsync(lockPath);
        var only = await Nvsdk.RunAsync(["update", "--lock", lockPath, "--json", "--component", "cuda", .. server.Bases(FixtureUpdateSources.WithoutSbsaRunfile)]);
        Assert.True(only.ExitCode == 1, only.ToString()); // the release NVIDIA names is incomplete: cuda could not be checked
        using (var json = JsonDocument.Parse(only.Stdout))
        {
            Assert.Empty(Proposals(json));
            Assert.Contains("aarch64-linux", Skipped(json)["cuda"], StringComparison.Ordinal);
        }

        Assert.Equal(before, await File.ReadAllBytesAsync(lockPath));

        // Every component at once: the others are written, cuda's entry (and sdk.cuda) stay as they were.
        var all = await Nvsdk.RunAsync(["update", "--lock", lockPath, "--json", .. server.Bases(FixtureUpdateSources.WithoutSbsaRunfile)]);
        Assert.True(all.ExitCode == 1, all.ToString()); // Triton's registry is unreachable here; the rest is written
        using (var json = JsonDocument.Parse(all.Stdout))
        {
            Assert.Contains("cuda", Skipped(json).Keys);
            Assert.Equal(["cudnn", "cutlass", "nccl", "tensorrt"], Proposals(json).Keys.Order(StringComparer.Ordinal));
        }

        using var old = JsonDocument.Parse(before);
        using var updated = JsonDocument.Parse(await File.ReadAllBytesAsync(lockPath));
        static string Cuda(JsonDocument d) => d.RootElement.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "cuda").GetRawText();
        Assert.Equal(Cuda(old), Cuda(updated));
        Assert.Equal("13.1.0", updated.RootElement.GetProperty("sdk").GetProperty("cuda").GetString());
        var check = await Nvsdk.RunAsync("check", "--all-systems", "--lock", lockPath);
        Assert.True(check.ExitCode == 0, check.ToString());
    }

    [Fact]
    public async Task DryRun_UnreachableSource_ReportedPerComponent()
    {
        var update = await Nvsdk.RunAsync("update", "--dry-run", "--lock", RepoPaths.RunfileLock, "--nvidia-base", "http://127.0.0.1:9/", "--pypi-base", $"{server.Nginx.BaseUrl}/index/", "--json");
        Assert.True(update.ExitCode == 1, update.ToString()); // some sources failed: the run says so
        using var json = JsonDocument.Parse(update.Stdout);
        var skipped = Skipped(json);
        foreach (var component in new[] { "cudnn", "cuda", "tensorrt" })
        {
            Assert.Contains("source failed", skipped[component], StringComparison.Ordinal);
        }

        Assert.Contains(json.RootElement.GetProperty("proposals").EnumerateArray(), p => p.GetProperty("component").GetString() == "nccl");
    }

    [Fact]
    public async Task Update_EverySourceFails_ExitsOneAndLeavesTheLock()
    {
        var lockPath = CopyRunfileLock();
        var before = await File.ReadAllBytesAsync(lockPath);
        var update = await Nvsdk.RunAsync("update", "--lock", lockPath, "--nvidia-base", "http://127.0.0.1:9/", "--pypi-base", "http://127.0.0.1:9/", "--github-api-base", "http://127.0.0.1:9/", "--github-base", "http://127.0.0.1:9/");
        Assert.True(update.ExitCode == 1, update.ToString());
        Assert.Equal(before, await File.ReadAllBytesAsync(lockPath));
    }

    [Fact]
    public async Task Update_UnknownComponent_ExitsTwoBeforeAnyRequest()
    {
        var before = server.Nginx.ReadAccessLog().Count;
        var update = await Nvsdk.RunAsync(["update", "--dry-run", "--lock", RepoPaths.RunfileLock, "-c", "nosuch", .. server.Bases()]);
        Assert.True(update.ExitCode == 2, update.ToString());
        Assert.Contains("unknown component 'nosuch'", update.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, server.Nginx.ReadAccessLog().Count);
    }
}
