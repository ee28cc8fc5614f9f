using Nvsdk.Core.Gpu.Doctor;
using Nvsdk.Core.Gpu.Host;
using Nvsdk.Core.Gpu.Nvml;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Gpu;

/// <summary>Doctor's `gpu.xid`: XIDs in the kernel log since the driver loaded, with NVIDIA's meaning.</summary>
public class XidChecksTests
{
    private static readonly HostSnapshot H200x2 =
        SnapshotFile.Read(Path.Combine(RepoPaths.Root, "tests", "fixtures", "snapshots", "h200x2-fleet-derived.json"));

    [Fact]
    public void Run_TwoXidsLogged_OneWarningPerXidWithCountGpusAndMeaning()
    {
        var findings = XidChecks.Run(H200x2).ToList();
        Assert.All(findings, f => Assert.Equal(FindingStatus.Warn, f.Status));
        Assert.Equal(2, findings.Count);
        Assert.StartsWith("XID 13 logged 1 time(s) on 0000:19:00: graphics engine exception", findings[0].Message, StringComparison.Ordinal);
        Assert.StartsWith("XID 79 logged 2 time(s) on 0000:3b:00: GPU has fallen off the bus", findings[1].Message, StringComparison.Ordinal);
        Assert.Contains(GpuDoctor.Examine(H200x2).Findings, f => f.Id == XidChecks.Id);
    }

    [Fact]
    public void Run_LogReadableNoXid_Ok() =>
        Assert.Equal(FindingStatus.Ok, Assert.Single(XidChecks.Run(H200x2 with { KernelNvrmLog = ["NVRM: loading NVIDIA UNIX x86_64 Kernel Module  580.159.04"] })).Status);

    [Fact]
    public void Run_LogNotReadable_Skip() =>
        Assert.Equal(FindingStatus.Skip, Assert.Single(XidChecks.Run(H200x2 with { KernelNvrmLog = null })).Status);

    [Fact]
    public void Catalog_EveryXidTheIssueNames_HasNvidiasMeaning() =>
        Assert.Equal([13, 31, 43, 45, 48, 63, 64, 74, 79, 92, 94, 95, 119], XidCatalog.Known.Order());

    [Fact]
    public void ReadNvrm_SyslogFileUnderHostRoot_OnlyLinesSinceTheLastDriverLoad()
    {
        using var root = new TempDir();
        Directory.CreateDirectory(root.Combine("var", "log"));
        File.WriteAllLines(root.Combine("var", "log", "kern.log"),
        [
            "Nov 28 09:00:01 hgx kernel: [    5.1] NVRM: loading NVIDIA UNIX Open Kernel Module for x86_64  580.95.05",
            "Nov 28 10:00:00 hgx kernel: [ 3600.2] NVRM: Xid (PCI:0000:3b:00): 48, pid=1, name=old, DBE (0x1,0x2)",
            "Nov 29 08:00:01 hgx kernel: [    5.3] NVRM: loading NVIDIA UNIX Open Kernel Module for x86_64  580.159.04",
            "Nov 29 08:00:02 hgx kernel: [    6.0] e1000e: eth0 NIC Link is Up",
            "Nov 29 09:00:00 hgx kernel: [ 3600.5] NVRM: Xid (PCI:0000:19:00): 31, pid=77, name=train, Ch 00000008, intr 10000000. MMU Fault",
        ]);

        var log = KernelLog.ReadNvrm(root.Path);
        Assert.NotNull(log);
        Assert.Equal([("0000:19:00", 31)], XidChecks.Parse(log));
        Assert.StartsWith("NVRM: loading NVIDIA UNIX", log[0], StringComparison.Ordinal);
    }

    [Fact]
    public void ReadNvrm_NoKernelLogUnderHostRoot_Null()
    {
        using var root = new TempDir();
        Assert.Null(KernelLog.ReadNvrm(root.Path));
    }
}
