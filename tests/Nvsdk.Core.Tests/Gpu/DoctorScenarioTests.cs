using Nvsdk.Core.Gpu.Doctor;
using Nvsdk.Core.Gpu.Host;
using Nvsdk.Core.Gpu.Nvml;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Gpu;

/// <summary>
/// Doctor's verdicts on scenarios derived from a snapshot recorded on a real H100 host (driver 580.159.04,
/// open module, persistence on without the daemon, no CDI spec, no Docker). Each scenario changes what a
/// real fault changes and states the verdicts it must produce.
/// </summary>
public class DoctorScenarioTests
{
    private static readonly string Recorded = Path.Combine(RepoPaths.Root, "tests", "fixtures", "snapshots", "h100-driver580.json");

    private static HostSnapshot H100 => SnapshotFile.Read(Recorded);

    private static string Uuid => H100.Nvml.Gpus[0].Uuid;

    /// <summary>The recorded host with its three caveats fixed: the healthy reference.</summary>
    private static HostSnapshot Healthy => H100 with
    {
        RequiredCudaVersion = "13.0.2",
        Processes = ["nvidia-persistenced"],
        Files = With(H100.Files, HostPaths.CdiEtc, $"cdiVersion: 0.6.0\nkind: nvidia.com/gpu\ndevices:\n- name: \"0\"\n  containerEdits: {{}}\n- name: {Uuid}\n  containerEdits: {{}}\n- name: all\n  containerEdits: {{}}\ncontainerEdits:\n  deviceNodes:\n  - path: /dev/nvidiactl\n"),
    };

    private static Dictionary<string, string?> With(Dictionary<string, string?> files, string path, string? content) =>
        new(files, StringComparer.Ordinal) { [path] = content };

    private static DoctorReport Examine(HostSnapshot host) => GpuDoctor.Examine(host);

    private static Finding Find(DoctorReport report, string id) =>
        report.Findings.SingleOrDefault(f => f.Id == id) ?? throw new Xunit.Sdk.XunitException($"no finding {id}: {string.Join(", ", report.Findings.Select(f => f.Id))}");

    [Fact]
    public void Examine_RecordedH100_IsDegradedByItsThreeRealCaveats()
    {
        var report = Examine(H100);
        Assert.Equal(DoctorVerdict.Degraded, report.Verdict);
        Assert.Equal(["container.cdi", "driver.sdk", "gpu.persistence"], report.Findings.Where(f => f.Status == FindingStatus.Warn).Select(f => f.Id).Order());
        Assert.Equal(FindingStatus.Ok, Find(report, "driver.version-match").Status);
        Assert.Equal(FindingStatus.Ok, Find(report, "gpu.0.ecc").Status);
        Assert.Equal(FindingStatus.Skip, Find(report, "container.docker").Status);
    }

    [Fact]
    public void Examine_HealthyReference_IsHealthy()
    {
        var report = Examine(Healthy);
        Assert.Equal(DoctorVerdict.Healthy, report.Verdict);
        Assert.All(report.Findings, f => Assert.NotEqual(FindingStatus.Fail, f.Status));
    }

    public static TheoryData<string, string, FindingStatus, DoctorVerdict> Scenarios => new()
    {
        { "library-module-mismatch", "driver.version-match", FindingStatus.Fail, DoctorVerdict.Broken },
        { "driver-too-old-minor-compat", "driver.sdk", FindingStatus.Warn, DoctorVerdict.Degraded },
        { "driver-too-old-no-compat", "driver.sdk", FindingStatus.Fail, DoctorVerdict.Broken },
        { "persistence-off", "gpu.persistence", FindingStatus.Warn, DoctorVerdict.Degraded },
        { "no-cdi-spec", "container.cdi", FindingStatus.Warn, DoctorVerdict.Degraded },
        { "cdi-spec-for-gone-gpu", "container.cdi", FindingStatus.Fail, DoctorVerdict.Broken },
        { "cdi-spec-unparseable", "container.cdi", FindingStatus.Fail, DoctorVerdict.Broken },
        { "docker-without-cdi", "container.docker", FindingStatus.Warn, DoctorVerdict.Degraded },
        { "docker-with-cdi", "container.docker", FindingStatus.Ok, DoctorVerdict.Healthy },
        { "cuda-path-unset", "sdk.env", FindingStatus.Warn, DoctorVerdict.Degraded },
        { "corrupted-generation", "sdk.generation", FindingStatus.Fail, DoctorVerdict.Broken },
        { "proprietary-module-open-wanted", "driver.module", FindingStatus.Warn, DoctorVerdict.Degraded },
        { "open-module-open-wanted", "driver.module", FindingStatus.Ok, DoctorVerdict.Healthy },
        { "no-driver", "driver.loaded", FindingStatus.Fail, DoctorVerdict.Broken },
        { "device-node-missing", "gpu.devices", FindingStatus.Fail, DoctorVerdict.Broken },
        { "ecc-off", "gpu.0.ecc", FindingStatus.Warn, DoctorVerdict.Degraded },
        { "mig-change-pending", "gpu.0.mig", FindingStatus.Warn, DoctorVerdict.Degraded },
        { "driver-loaded-no-gpu", "gpu.present", FindingStatus.Fail, DoctorVerdict.Broken },
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Examine_Scenario_GivesTheExpectedVerdict(string scenario, string id, FindingStatus status, DoctorVerdict verdict)
    {
        var report = Examine(Scenario(scenario));
        var finding = Find(report, id);
        Assert.Equal(status, finding.Status);
        Assert.Equal(verdict, report.Verdict);
        if (status is FindingStatus.Warn or FindingStatus.Fail)
        {
            Assert.False(string.IsNullOrWhiteSpace(finding.Fix), $"{id} must say how to fix it");
        }
    }

    [Fact]
    public void Examine_NoDriver_SaysSoPlainlyAndStops()
    {
        var report = Examine(Scenario("no-driver"));
        Assert.Single(report.Findings);
        Assert.Contains("no usable NVIDIA GPU", report.Findings[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SnapshotFile_RoundTrips()
    {
        using var temp = new TempDir();
        var path = temp.Combine("s.json");
        SnapshotFile.Write(path, H100);
        var again = SnapshotFile.Read(path);
        Assert.Equal(Examine(H100).Findings, Examine(again).Findings);
    }

    [Fact]
    public void HostProbe_FakeRoot_ReadsItsFilesAndDevices()
    {
        using var temp = new TempDir();
        Directory.CreateDirectory(temp.Combine("proc", "driver", "nvidia"));
        File.WriteAllText(temp.Combine("proc", "driver", "nvidia", "version"), H100.Files[HostPaths.DriverVersion]);
        Directory.CreateDirectory(temp.Combine("dev"));
        File.WriteAllText(temp.Combine("dev", "nvidiactl"), string.Empty);
        Directory.CreateDirectory(temp.Combine("proc", "4242"));
        File.WriteAllText(temp.Combine("proc", "4242", "comm"), "nvidia-persiste\n");
        var snapshot = HostProbe.Capture(temp.Path, temp.Combine("store"), "13.1.0", readNvml: false);
        Assert.Equal(H100.Files[HostPaths.DriverVersion], snapshot.File(HostPaths.DriverVersion));
        Assert.Contains(snapshot.Devices, d => d.Path == "/dev/nvidiactl");
        Assert.Equal(["nvidia-persistenced"], snapshot.Processes);
        var report = Examine(snapshot);
        Assert.Equal(FindingStatus.Fail, Find(report, "driver.nvml").Status); // a driver but no libnvidia-ml
    }

    [Theory]
    [InlineData("13.1.0", "590.44.01", "580.0.0")]
    [InlineData("13.0.2", "580.95.05", "580.0.0")]
    [InlineData("12.9.1", "575.57.08", "525.60.13")]
    public void CudaDriverRequirements_KnownReleases(string cuda, string full, string compatible)
    {
        var need = CudaDriverRequirements.For(cuda)!.Value;
        Assert.Equal(DriverVersion.TryParse(full), need.Full);
        Assert.Equal(DriverVersion.TryParse(compatible), need.Compatible);
    }

    private static HostSnapshot Scenario(string name)
    {
        var h = Healthy;
        var gpu = h.Nvml.Gpus[0];
        HostSnapshot WithGpu(GpuReport g) => h with { Nvml = h.Nvml with { Gpus = [g] } };
        return name switch
        {
            "library-module-mismatch" => h with { Nvml = new NvmlReport { Error = "LIB_RM_VERSION_MISMATCH" } },
            "driver-too-old-minor-compat" => h with { RequiredCudaVersion = "13.1.0" },
            "driver-too-old-no-compat" => h with
            {
                RequiredCudaVersion = "13.1.0",
                Files = With(h.Files, HostPaths.DriverVersion, "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  575.57.08  Release Build\n"),
                Nvml = h.Nvml with { DriverVersion = "575.57.08" },
            },
            "persistence-off" => WithGpu(gpu with { PersistenceMode = false }) with { Processes = [] },
            "no-cdi-spec" => h with { Files = With(h.Files, HostPaths.CdiEtc, null) },
            "cdi-spec-for-gone-gpu" => h with { Files = With(h.Files, HostPaths.CdiEtc, "cdiVersion: 0.6.0\nkind: nvidia.com/gpu\ndevices:\n- name: GPU-00000000-dead-beef-0000-000000000000\n  containerEdits: {}\n") },
            "cdi-spec-unparseable" => h with { Files = With(h.Files, HostPaths.CdiEtc, "kind: [nvidia.com/gpu\n  devices: :") },
            "docker-without-cdi" => h with { DockerInstalled = true, Files = With(h.Files, HostPaths.DockerDaemon, "{\"log-driver\": \"json-file\"}") },
            "docker-with-cdi" => h with { DockerInstalled = true, Files = With(h.Files, HostPaths.DockerDaemon, "{\"features\": {\"cdi\": true}}") },
            "cuda-path-unset" => h with { Environment = new(StringComparer.Ordinal) { ["CUDA_PATH"] = null, ["CUDA_HOME"] = null } },
            "corrupted-generation" => h with { Sdk = new SdkState("/var/lib/nvsdk", 3, "/var/lib/nvsdk/generations/sdk-3", "13.0.2", ["0123abcd-cuda_nvcc-13.0.88"]) },
            "proprietary-module-open-wanted" => h with
            {
                Files = With(
                    With(h.Files, HostPaths.DriverVersion, "NVRM version: NVIDIA UNIX x86_64 Kernel Module  580.159.04  Release Build\n"),
                    HostPaths.HostConfig,
                    "enable = true\n\n[driver]\nopen = true\n"),
            },
            "open-module-open-wanted" => h with { Files = With(h.Files, HostPaths.HostConfig, "driver.open = true\n") },
            "no-driver" => new HostSnapshot { Nvml = new NvmlReport { Error = "LIBRARY_NOT_FOUND" }, Files = new(StringComparer.Ordinal) { [HostPaths.DriverVersion] = null } },
            "device-node-missing" => h with { Devices = [.. h.Devices.Where(d => d.Path != "/dev/nvidia-uvm")] },
            "ecc-off" => WithGpu(gpu with { EccEnabled = false, EccPending = false }),
            "mig-change-pending" => WithGpu(gpu with { MigPending = true }),
            "driver-loaded-no-gpu" => h with { Nvml = h.Nvml with { Gpus = [] } },
            _ => throw new ArgumentException(name),
        };
    }
}
