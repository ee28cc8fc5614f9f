using System.Globalization;
using Nvsdk.Core.Gpu.Doctor;
using Nvsdk.Core.Gpu.Nvml;

namespace Nvsdk.Core.Metrics;

/// <summary>
/// nvsdk's own series: what dcgm-exporter has no name for. Doctor's checks are a state set (one series per
/// check and status, 1 for the current status), so `nvsdk_doctor_check{status="fail"} == 1` alerts and a
/// check changing status never makes a series vanish.
/// </summary>
public static class NvsdkMetrics
{
    /// <summary>The statuses, as the `status` label spells them.</summary>
    public static IReadOnlyList<string> Statuses { get; } = ["ok", "skip", "warn", "fail"];

    public static void Write(Exposition exposition, string version, NvmlReport nvml, DoctorRun? doctor, string hostname)
    {
        exposition.Gauge("nvsdk_info", "nvsdk's version; always 1.").Add(1, ("version", version), ("Hostname", hostname));
        var available = nvml.Error is null && nvml.Gpus.Count > 0;
        exposition.Gauge("nvsdk_gpu_available", "1 when NVML answers and sees at least one GPU, else 0.").Add(available ? 1 : 0);
        exposition.Gauge("nvsdk_gpus", "How many GPUs NVML sees.").Add(nvml.Gpus.Count);
        if (nvml.Error is not null)
        {
            exposition.Gauge("nvsdk_nvml_error", "Why NVML cannot be used, in NVML's own words (LIBRARY_NOT_FOUND, DRIVER_NOT_LOADED…); always 1.").Add(1, ("error", nvml.Error));
        }

        if (nvml.DriverVersion is not null)
        {
            exposition.Gauge("nvsdk_driver_info", "The NVIDIA driver: its version, the CUDA version it supports and NVML's version; always 1.")
                .Add(1, ("driver_version", nvml.DriverVersion), ("cuda_driver_version", CudaVersion(nvml.CudaDriverVersion)), ("nvml_version", nvml.NvmlVersion ?? string.Empty));
        }

        WriteXids(exposition, nvml);
        if (doctor is not null)
        {
            WriteDoctor(exposition, doctor);
        }
    }

    /// <summary>
    /// How many XIDs each watched GPU reported since the exporter started: a counter, so an alert sees a
    /// repeat of the same XID that DCGM_FI_DEV_XID_ERRORS (the last value) cannot show.
    /// </summary>
    private static void WriteXids(Exposition exposition, NvmlReport nvml)
    {
        var xids = exposition.Counter("nvsdk_gpu_xid_errors_total", "XID errors NVML reported for this GPU since the exporter started.");
        foreach (var gpu in nvml.Gpus)
        {
            xids.AddIfPresent(gpu.Telemetry?.XidErrors, ("gpu", gpu.Index.ToString(CultureInfo.InvariantCulture)), ("UUID", gpu.Uuid));
        }
    }

    /// <summary>The time one scrape took to collect and format; written last so it covers the rest.</summary>
    public static void WriteScrapeDuration(Exposition exposition, TimeSpan elapsed) =>
        exposition.Gauge("nvsdk_exporter_scrape_duration_seconds", "Time this scrape took to read NVML and format every series.").Add(elapsed.TotalSeconds);

    private static void WriteDoctor(Exposition exposition, DoctorRun doctor)
    {
        var sdk = doctor.Host.Sdk;
        exposition.Gauge("nvsdk_sdk_generation", "The current nvsdk SDK generation (0: none installed) and the CUDA version it holds.")
            .Add(sdk?.CurrentGeneration ?? 0, ("cuda_version", sdk?.CudaVersion ?? string.Empty));
        if (sdk?.CurrentGeneration is not null)
        {
            exposition.Gauge("nvsdk_sdk_missing_entries", "Store entries the current SDK generation needs that are missing or unregistered.").Add(sdk.MissingEntries.Count);
        }

        var checks = exposition.Gauge("nvsdk_doctor_check", "Each doctor check's status: 1 for the current one, 0 for the others (re-evaluated at most once a minute).");
        // One state per check id: should a check ever report twice, its worst status stands.
        foreach (var check in doctor.Report.Findings.GroupBy(f => f.Id, StringComparer.Ordinal))
        {
            var current = Status(check.Max(f => f.Status));
            foreach (var status in Statuses)
            {
                checks.Add(status == current ? 1 : 0, ("check", check.Key), ("status", status));
            }
        }

        exposition.Gauge("nvsdk_doctor_verdict", "Doctor's verdict: 0 healthy, 1 degraded, 2 broken (its exit code).").Add((int)doctor.Report.Verdict);
        exposition.Gauge("nvsdk_doctor_last_run_timestamp_seconds", "When doctor's checks were last evaluated (Unix time).").Add(doctor.At.ToUnixTimeMilliseconds() / 1000.0);
    }

    private static string Status(FindingStatus status) => status switch
    {
        FindingStatus.Ok => "ok",
        FindingStatus.Skip => "skip",
        FindingStatus.Warn => "warn",
        _ => "fail",
    };

    private static string CudaVersion(int? version) =>
        version is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v / 1000}.{v % 1000 / 10}") : string.Empty;
}
