using System.Diagnostics;
using System.Globalization;
using System.Text;
using Nvsdk.Core.Gpu.Dcgm;

namespace Nvsdk.Core.Metrics;

/// <summary>
/// One scrape: NVML's values under dcgm-exporter's names, then nvsdk's own series, then how long it took.
/// Everything slow (opening NVML, taking device handles, running doctor) happened before or happens beside
/// a scrape, so a scrape is a few dozen NVML reads and some string formatting.
/// </summary>
public sealed class MetricsScraper(IGpuSource gpus, DoctorCache? doctor, string hostname, string version)
{
    /// <summary>The fields a `--collectors` file chose; null serves every field nvsdk has.</summary>
    public CounterSelection? Counters { get; init; }

    /// <summary>Which pod holds each GPU (the kubelet's pod-resources API); null: no attribution.</summary>
    public Func<IReadOnlyDictionary<string, IReadOnlyList<PodOwner>>>? Pods { get; init; }

    /// <summary>Why DCGM_FI_PROF_* are not served, for nvsdk_exporter_info, when there is no <see cref="Dcgm"/>.</summary>
    public ProfilingSupport Profiling { get; init; } = ProfilingSupport.Recorded;

    /// <summary>DCGM's field watch for the DCGM_FI_PROF_* series; null: none (see <see cref="Profiling"/>).</summary>
    public DcgmProfiler? Dcgm { get; init; }

    public string Scrape()
    {
        var started = Stopwatch.GetTimestamp();
        var nvml = gpus.Read();
        var exposition = new Exposition();
        var context = new GpuSeriesContext(hostname, nvml.DriverVersion) { Counters = Counters, Pods = Pods?.Invoke() };
        DcgmGpuMetrics.Write(exposition, nvml.Gpus, context);
        if (Dcgm is not null)
        {
            // Read first: a failing read turns the info line below to unavailable with DCGM's reason.
            DcgmProfMetrics.Write(exposition, nvml.Gpus, context, Dcgm.Fields, Dcgm.Read());
        }

        var profiling = Dcgm is null ? Profiling : ProfilingSupport.Of(Dcgm);
        NvsdkMetrics.Write(exposition, version, nvml, doctor?.Current, hostname);
        exposition.Gauge("nvsdk_exporter_info", "What this exporter can serve: profiling fields (DCGM) and pod attribution (kubelet); always 1.")
            .Add(1, ("prof", profiling.Available ? "available" : "unavailable"), ("prof_reason", profiling.Reason), ("pod_attribution", Pods is null ? "off" : "kubelet"));
        var text = new StringBuilder(16 * 1024);
        using var writer = new StringWriter(text, CultureInfo.InvariantCulture);
        exposition.WriteTo(writer);

        // Timed after formatting everything else, so the duration covers the whole scrape but this line.
        var duration = new Exposition();
        NvsdkMetrics.WriteScrapeDuration(duration, Stopwatch.GetElapsedTime(started));
        duration.WriteTo(writer);
        return text.ToString();
    }
}
