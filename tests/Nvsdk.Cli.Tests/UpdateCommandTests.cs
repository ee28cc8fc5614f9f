using System.Text.Json;
using Nvsdk.Testing;

namespace Nvsdk.Cli.Tests;

/// <summary>`nvsdk update --dry-run` against real NVIDIA manifest copies and index pages served by nginx.</summary>
public sealed class UpdateCommandTests : IAsyncLifetime
{
    private readonly TempDir temp = new();
    private NginxServer nginx = null!;

    private FixtureArtifact Cutlass { get; set; } = null!;

    public async Task InitializeAsync()
    {
        var redist = Path.Combine(RepoPaths.Root, "tests", "fixtures", "redist");
        void Copy(string product, string file)
        {
            Directory.CreateDirectory(temp.Combine("srv", product, "redist"));
            // NVIDIA's own name: redistrib_<version>.json (the fixture copies carry the product as a prefix).
            File.Copy(Path.Combine(redist, file), temp.Combine("srv", product, "redist", file[(product.Length + 1)..]));
        }

        Copy("cuda", "cuda_redistrib_13.0.0.json");
        Copy("cuda", "cuda_redistrib_13.1.1.json");
        Copy("cudnn", "cudnn_redistrib_9.12.0.json");
        Copy("cudnn", "cudnn_redistrib_9.20.0.json");
        Copy("cutensor", "cutensor_redistrib_2.3.0.json");
        Directory.CreateDirectory(temp.Combine("srv", "pypi", "nvidia-nccl-cu13"));
        File.Copy(Path.Combine(RepoPaths.Root, "tests", "fixtures", "pypi", "nvidia-nccl-cu13.json"), temp.Combine("srv", "pypi", "nvidia-nccl-cu13", "json"));
        Directory.CreateDirectory(temp.Combine("srv", "repos", "NVIDIA", "cutlass", "releases"));
        File.Copy(Path.Combine(RepoPaths.Root, "tests", "fixtures", "github", "cutlass-latest.json"), temp.Combine("srv", "repos", "NVIDIA", "cutlass", "releases", "latest"));
        Directory.CreateDirectory(temp.Combine("srv", "NVIDIA", "cutlass", "archive", "refs", "tags"));
        Cutlass = FixtureArchives.TarGz(temp.Combine("srv", "NVIDIA", "cutlass", "archive", "refs", "tags"), "cutlass", "4.3.3", null, "v4.3.3.tar.gz", "cutlass-4.3.3", [FixtureEntry.Text("include/cutlass/cutlass.h", "#pragma once\n")]);
        nginx = await NginxServer.StartAsync(temp.Combine("srv"));
    }

    public Task DisposeAsync()
    {
        nginx.Dispose();
        temp.Dispose();
        return Task.CompletedTask;
    }

    private Task<ProcessResult> UpdateAsync(params string[] extra) =>
        Nvsdk.RunAsync(["update", "--dry-run", "--lock", RepoPaths.ShippedLock, .. Bases, .. extra]);

    private string[] Bases => ["--nvidia-base", $"{nginx.BaseUrl}/index/", "--pypi-base", $"{nginx.BaseUrl}/index/", "--github-api-base", $"{nginx.BaseUrl}/index/", "--github-base", $"{nginx.BaseUrl}/index/"];

    [Fact]
    public async Task DryRun_ShippedLock_ProposesCudnn920AndTheCu13Nccl()
    {
        var update = await UpdateAsync("--json");
        Assert.True(update.ExitCode == 0, update.ToString());
        using var json = JsonDocument.Parse(update.Stdout);
        var proposals = json.RootElement.GetProperty("proposals").EnumerateArray().ToDictionary(p => p.GetProperty("component").GetString()!);
        Assert.Equal("9.20.0.48", proposals["cudnn"].GetProperty("newVersion").GetString());
        var x86 = proposals["cudnn"].GetProperty("artifacts").EnumerateArray().Single(a => a.GetProperty("system").GetString() == "x86_64-linux");
        Assert.Equal("73f091ee57668dc18e8b1b61811c0ddff2ec0b762efe613e9f27f9ebfd6c20c0", x86.GetProperty("sha256").GetString());
        Assert.EndsWith("/cudnn/redist/cudnn/linux-x86_64/cudnn-linux-x86_64-9.20.0.48_cuda13-archive.tar.xz", x86.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.Equal("2.28.9", proposals["nccl"].GetProperty("newVersion").GetString());
        var skipped = json.RootElement.GetProperty("skipped").EnumerateArray().ToDictionary(s => s.GetProperty("component").GetString()!, s => s.GetProperty("reason").GetString()!);
        Assert.Contains("newest", skipped["cutensor"], StringComparison.Ordinal); // 2.4.1.4 pinned, 2.3.0.6 served
        Assert.True(skipped.ContainsKey("cuda"));
    }

    [Fact]
    public async Task DryRun_Text_ShowsATableAndChangesNothing()
    {
        var before = await File.ReadAllTextAsync(RepoPaths.ShippedLock);
        var update = await UpdateAsync();
        Assert.True(update.ExitCode == 0, update.ToString());
        Assert.Contains("9.17.0.29 → 9.20.0.48", update.Stdout, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(RepoPaths.ShippedLock));
    }

    [Fact]
    public async Task Update_WritesALockThatCheckAccepts()
    {
        var lockPath = temp.Combine("lock.json");
        File.Copy(RepoPaths.ShippedLock, lockPath);
        var update = await Nvsdk.RunAsync(["update", "--lock", lockPath, .. Bases]);
        Assert.True(update.ExitCode == 0, update.ToString());
        var text = await File.ReadAllTextAsync(lockPath);
        Assert.Contains("cudnn-linux-x86_64-9.20.0.48_cuda13-archive.tar.xz", text, StringComparison.Ordinal);
        Assert.Contains("https://nvidia-redistributable.weyl.ai/cudnn/cudnn-linux-x86_64-9.20.0.48_cuda13-archive.tar.xz", text, StringComparison.Ordinal);
        Assert.Contains("nvidia_nccl_cu13-2.28.9", text, StringComparison.Ordinal);
        var check = await Nvsdk.RunAsync("check", "--all-systems", "--lock", lockPath, "--json");
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.DoesNotContain("cuda-major", check.Stdout, StringComparison.Ordinal); // the cu13 wheel fixed the seed's mismatch
        Assert.Contains(Cutlass.Sha256.Hex, text, StringComparison.Ordinal); // CUTLASS is pinned now
        Assert.DoesNotContain("\"component\": \"cutlass\"", check.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DryRun_UnreachableSource_ReportedPerComponent()
    {
        var update = await Nvsdk.RunAsync("update", "--dry-run", "--lock", RepoPaths.ShippedLock, "--nvidia-base", "http://127.0.0.1:9/", "--pypi-base", $"{nginx.BaseUrl}/index/", "--json");
        Assert.True(update.ExitCode == 0, update.ToString());
        using var json = JsonDocument.Parse(update.Stdout);
        var skipped = json.RootElement.GetProperty("skipped").EnumerateArray().ToDictionary(s => s.GetProperty("component").GetString()!, s => s.GetProperty("reason").GetString()!);
        Assert.Contains("source failed", skipped["cudnn"], StringComparison.Ordinal);
        Assert.Contains(json.RootElement.GetProperty("proposals").EnumerateArray(), p => p.GetProperty("component").GetString() == "nccl");
    }
}
