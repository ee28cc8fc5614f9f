using Nvsdk.Core.Gpu.Doctor;
using Nvsdk.Core.Gpu.Host;

namespace Nvsdk.Core.Metrics;

/// <summary>One evaluation of doctor's checks: what was examined, the verdicts, and when.</summary>
public sealed record DoctorRun(HostSnapshot Host, DoctorReport Report, DateTimeOffset At);
