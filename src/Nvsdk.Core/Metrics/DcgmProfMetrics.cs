using Nvsdk.Core.Gpu.Dcgm;
using Nvsdk.Core.Gpu.Nvml;

namespace Nvsdk.Core.Metrics;

/// <summary>
/// dcgm-exporter's DCGM_FI_PROF_* series: DCGM's profiling values joined to NVML's GPUs (by UUID, else by
/// DCGM's GPU id as the index), labelled exactly like the other GPU series. A field DCGM has no value for on
/// a GPU is left out for that GPU, never written as zero.
/// </summary>
public static class DcgmProfMetrics
{
    public static void Write(Exposition exposition, IReadOnlyList<GpuReport> gpus, GpuSeriesContext context, IReadOnlyList<DcgmProfField> fields, IReadOnlyList<DcgmGpuReading> readings)
    {
        var byGpu = gpus.Select(g => (Gpu: g, Reading: readings.FirstOrDefault(r => r.Uuid == g.Uuid) ?? readings.FirstOrDefault(r => r.Uuid is null && r.GpuId == g.Index))).ToList();
        foreach (var field in fields.Where(f => context.Counters?.Includes(f.Name) ?? true))
        {
            var family = exposition.Gauge(field.Name, field.Help);
            foreach (var (gpu, reading) in byGpu)
            {
                if (reading is not null && reading.Values.TryGetValue(field.Id, out var value))
                {
                    DcgmGpuMetrics.AddSeries(family, value, gpu, context);
                }
            }
        }
    }
}
