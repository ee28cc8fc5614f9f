namespace Nvsdk.Core.Gpu.Doctor;

public enum FindingStatus
{
    Ok,
    Skip,
    Warn,
    Fail,
}

/// <summary>One verdict of doctor: a stable id, a status, one line saying what is the case, and the fix.</summary>
public sealed record Finding(string Id, FindingStatus Status, string Message, string? Fix = null)
{
    public static Finding Ok(string id, string message) => new(id, FindingStatus.Ok, message);

    public static Finding Skip(string id, string message) => new(id, FindingStatus.Skip, message);

    public static Finding Warn(string id, string message, string fix) => new(id, FindingStatus.Warn, message, fix);

    public static Finding Fail(string id, string message, string fix) => new(id, FindingStatus.Fail, message, fix);
}

/// <summary>All findings; the verdict is the worst of them.</summary>
public sealed record DoctorReport(IReadOnlyList<Finding> Findings)
{
    public DoctorVerdict Verdict =>
        Findings.Any(f => f.Status == FindingStatus.Fail) ? DoctorVerdict.Broken
        : Findings.Any(f => f.Status == FindingStatus.Warn) ? DoctorVerdict.Degraded
        : DoctorVerdict.Healthy;
}

/// <summary>Healthy, degraded (works, with caveats) or broken; doctor's exit code is this number.</summary>
public enum DoctorVerdict
{
    Healthy = 0,
    Degraded = 1,
    Broken = 2,
}
