using System.Text.Json;
using Nvsdk.Testing;

namespace Nvsdk.Cli.Tests;

/// <summary>`nvsdk doctor` and `status` on the recorded H100 snapshot and on a host without a GPU (CI's own).</summary>
public sealed class DoctorCommandTests : IDisposable
{
    private static readonly string Recorded = Path.Combine(RepoPaths.Root, "tests", "fixtures", "snapshots", "h100-driver580.json");

    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Doctor_RecordedH100_ExitsDegradedWithFixes()
    {
        var doctor = await Nvsdk.RunAsync("doctor", "--from-snapshot", Recorded);
        Assert.Equal(1, doctor.ExitCode);
        Assert.Contains("warn gpu.persistence", doctor.Stdout, StringComparison.Ordinal);
        Assert.Contains("fix:", doctor.Stdout, StringComparison.Ordinal);
        Assert.Contains("degraded", doctor.Stdout, StringComparison.Ordinal);
    }

    /// <summary>The H100 recording with its GPU changed to a P100: CUDA 13 cannot target sm_60, so the host is broken.</summary>
    [Fact]
    public async Task Doctor_P100WithCuda13_ExitsBrokenNamingTheArchitecture()
    {
        var doctor = await Nvsdk.RunAsync("doctor", "--from-snapshot", Path.Combine(RepoPaths.Root, "tests", "fixtures", "snapshots", "p100-driver580.json"));
        Assert.Equal(2, doctor.ExitCode);
        Assert.Contains("FAIL gpu.0.arch", doctor.Stdout, StringComparison.Ordinal);
        Assert.Contains("sm_60", doctor.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("h100-driver580")]
    [InlineData("h200-driver580")]
    public async Task Doctor_HopperRecordings_PassTheArchitectureCheck(string snapshot)
    {
        var doctor = await Nvsdk.RunAsync("doctor", "--from-snapshot", Path.Combine(RepoPaths.Root, "tests", "fixtures", "snapshots", snapshot + ".json"));
        Assert.Equal(1, doctor.ExitCode); // degraded by the recording's own caveats, not by the architecture
        Assert.Contains("ok   gpu.0.arch", doctor.Stdout, StringComparison.Ordinal);
        Assert.Contains("Hopper sm_90", doctor.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_RecordedH100_ShowsArchitectureNameAndSm()
    {
        var status = await Nvsdk.RunAsync("status", "--from-snapshot", Recorded);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("Hopper sm_90", status.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_Json_HasEveryFindingWithStatus()
    {
        var doctor = await Nvsdk.RunAsync("doctor", "--from-snapshot", Recorded, "--json");
        Assert.Equal(1, doctor.ExitCode);
        using var json = JsonDocument.Parse(doctor.Stdout);
        var findings = json.RootElement.GetProperty("findings").EnumerateArray().ToList();
        Assert.Contains(findings, f => f.GetProperty("id").GetString() == "driver.version-match" && f.GetProperty("status").GetString() == "Ok");
        Assert.Equal("Degraded", json.RootElement.GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task Doctor_ThisHostHasNoGpu_SaysSoAndExits2()
    {
        var doctor = await Nvsdk.RunAsync("doctor", "--host-root", temp.Path, "--record", temp.Combine("snap.json"));
        Assert.Equal(2, doctor.ExitCode);
        Assert.Contains("no usable NVIDIA GPU", doctor.Stdout, StringComparison.Ordinal);
        var replay = await Nvsdk.RunAsync("doctor", "--from-snapshot", temp.Combine("snap.json"));
        Assert.Equal(2, replay.ExitCode);
    }

    [Fact]
    public async Task Doctor_BadSnapshot_OneClearLine()
    {
        await File.WriteAllTextAsync(temp.Combine("bad.json"), "{ not json");
        var doctor = await Nvsdk.RunAsync("doctor", "--from-snapshot", temp.Combine("bad.json"));
        Assert.Equal(2, doctor.ExitCode);
        Assert.StartsWith("nvsdk: error: ", doctor.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", doctor.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_RecordedH100_ShowsTheGpu()
    {
        var status = await Nvsdk.RunAsync("status", "--from-snapshot", Recorded);
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("NVIDIA H100 80GB HBM3", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("ECC", status.Stdout, StringComparison.Ordinal);
    }
}

/// <summary>Doctor and status on a real GPU: opt-in with NVSDK_GPU_TESTS=1 (scripts/gpu-checks.sh does the same without the .NET SDK).</summary>
public sealed class DoctorOnGpuTests
{
    private static void RequireGpu() =>
        Skip.IfNot(Environment.GetEnvironmentVariable("NVSDK_GPU_TESTS") == "1", "GPU tests run only with NVSDK_GPU_TESTS=1 on a GPU host");

    [SkippableFact]
    public async Task Doctor_RealGpu_IsNotBroken()
    {
        RequireGpu();
        var doctor = await Nvsdk.RunAsync("doctor", "--json");
        Assert.True(doctor.ExitCode < 2, doctor.ToString());
        Assert.Contains("\"gpu.present\"", doctor.Stdout, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Status_RealGpu_ListsIt()
    {
        RequireGpu();
        var status = await Nvsdk.RunAsync("status", "--json");
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("\"uuid\": \"GPU-", status.Stdout, StringComparison.Ordinal);
    }
}
