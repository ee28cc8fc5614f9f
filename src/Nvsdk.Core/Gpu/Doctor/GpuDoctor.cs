using Nvsdk.Core.Gpu.Host;

namespace Nvsdk.Core.Gpu.Doctor;

/// <summary>`nvsdk doctor`: every check over one snapshot of the host (live or replayed).</summary>
public static class GpuDoctor
{
    public static DoctorReport Examine(HostSnapshot host)
    {
        var findings = new List<Finding>();
        findings.AddRange(DriverChecks.Run(host));
        if (findings.Any(f => f.Id == "driver.loaded" && f.Status == FindingStatus.Fail))
        {
            return new DoctorReport(findings); // no driver: nothing else can be judged
        }

        findings.AddRange(GpuChecks.Run(host));
        findings.AddRange(ArchitectureChecks.Run(host));
        findings.AddRange(XidChecks.Run(host));
        findings.AddRange(ContainerChecks.Run(host));
        findings.AddRange(SdkChecks.Run(host));
        return new DoctorReport(findings);
    }
}
