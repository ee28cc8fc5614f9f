using Nvsdk.Core.Gpu.Doctor;
using Nvsdk.Core.Gpu.Host;
using Nvsdk.Core.Sdk;
using Nvsdk.Core.Store;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Gpu;

/// <summary>
/// doctor's driver floor follows the release the SDK pins: the lock's (or generation's) sdk.driver, which comes
/// from the release's manifest (13.1.1 wants ≥ 590.48.01), decides over nvsdk's built-in table.
/// </summary>
public sealed class DriverFloorTests
{
    private static readonly HostSnapshot H100 = SnapshotFile.Read(Path.Combine(RepoPaths.Root, "tests", "fixtures", "snapshots", "h100-driver580.json"));

    private static HostSnapshot WithDriver(string driver, string cuda, string? floor) => H100 with
    {
        Files = new(H100.Files, StringComparer.Ordinal) { [HostPaths.DriverVersion] = $"NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  {driver}  Release Build\n" },
        Nvml = H100.Nvml with { DriverVersion = driver },
        RequiredCudaVersion = cuda,
        RequiredDriverVersion = floor,
    };

    private static Finding DriverSdk(HostSnapshot host) => GpuDoctor.Examine(host).Findings.Single(f => f.Id == "driver.sdk");

    [Theory]
    [InlineData("590.48.01", FindingStatus.Ok)]
    [InlineData("590.44.01", FindingStatus.Warn)] // 13.1.0's floor: 13.1.1 runs by minor-version compatibility only
    [InlineData("575.57.08", FindingStatus.Fail)]
    public void DriverSdk_ShippedLocksFloor_JudgesTheDriverAgainst59048(string driver, FindingStatus expected)
    {
        var shipped = Core.LockFile.LockFileParser.Load(RepoPaths.ShippedLock);

        var finding = DriverSdk(WithDriver(driver, shipped.CudaVersion, shipped.DriverVersion));

        Assert.Equal(expected, finding.Status);
        Assert.Contains("590.48.01", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DriverSdk_RecordedFloorAboveTheTable_TheRecordDecides()
    {
        // The table says 13.1.1 wants 590.48.01; a lock that records a later floor is believed.
        var finding = DriverSdk(WithDriver("590.48.01", "13.1.1", "590.60.02"));

        Assert.Equal(FindingStatus.Warn, finding.Status);
        Assert.Contains("590.60.02", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DriverSdk_ReleaseTheTableDoesNotKnow_JudgedByTheRecordedFloor()
    {
        Assert.Null(CudaDriverRequirements.For("13.4.0")); // no built-in entry for 13.4

        var finding = DriverSdk(WithDriver("600.10.01", "13.4.0", "600.20.03"));

        Assert.Equal(FindingStatus.Warn, finding.Status);
        Assert.Contains("600.20.03", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DriverSdk_OldLockWithoutDriver_FallsBackToTheTable()
    {
        var finding = DriverSdk(WithDriver("590.44.01", "13.1.1", null));

        Assert.Equal(FindingStatus.Warn, finding.Status);
        Assert.Contains("590.48.01", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HostProbe_NoLock_TakesTheFloorTheCurrentGenerationRecorded()
    {
        using var temp = new TempDir();
        var generations = new Generations(new StoreLayout(temp.Combine("store")));
        Directory.CreateDirectory(generations.PathOf(1));
        generations.WriteRecord(new GenerationRecord
        {
            Number = 1, CreatedAt = DateTimeOffset.UnixEpoch, Key = "k", System = "x86_64-linux", CudaVersion = "13.1.1",
            DriverVersion = "590.48.01", Lock = "/l", Components = [], Entries = [],
        });
        generations.Switch(1);

        var fromGeneration = HostProbe.Capture(temp.Path, temp.Combine("store"), null, readNvml: false);
        var fromLock = HostProbe.Capture(temp.Path, temp.Combine("store"), "13.1.0", readNvml: false, requiredDriverVersion: "590.44.01");

        Assert.Equal(("13.1.1", "590.48.01"), (fromGeneration.RequiredCudaVersion, fromGeneration.RequiredDriverVersion));
        Assert.Equal(("13.1.0", "590.44.01"), (fromLock.RequiredCudaVersion, fromLock.RequiredDriverVersion));
    }
}
