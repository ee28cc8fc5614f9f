using System.Globalization;
using Nvsdk.Core.Gpu.Nvml;

namespace Nvsdk.Core.Metrics;

/// <summary>
/// The per-GPU series, under dcgm-exporter's names, types, units and labels, so its dashboards and alerts
/// work unchanged: FB in MiB, power in W, energy in mJ, clocks in MHz. Each row says where NVML's value is;
/// a value NVML does not give for this GPU is left out rather than reported as zero.
/// </summary>
public static class DcgmGpuMetrics
{
    /// <summary>dcgm-exporter's label field for the driver version, on every series.</summary>
    public const string DriverVersionLabel = "DCGM_FI_DRIVER_VERSION";

    private const double MiB = 1024 * 1024;

    private static readonly Row[] Rows =
    [
        new("DCGM_FI_DEV_SM_CLOCK", MetricType.Gauge, "SM clock frequency (in MHz).", g => g.Telemetry?.SmClockMHz),
        new("DCGM_FI_DEV_MEM_CLOCK", MetricType.Gauge, "Memory clock frequency (in MHz).", g => g.Telemetry?.MemoryClockMHz),
        new("DCGM_FI_DEV_GPU_TEMP", MetricType.Gauge, "GPU temperature (in C).", g => g.TemperatureC),
        new("DCGM_FI_DEV_MEMORY_TEMP", MetricType.Gauge, "Memory temperature (in C).", g => g.Telemetry?.MemoryTemperatureC),
        new("DCGM_FI_DEV_POWER_USAGE", MetricType.Gauge, "Power draw (in W).", g => g.PowerW),
        new("DCGM_FI_DEV_ENFORCED_POWER_LIMIT", MetricType.Gauge, "Power limit the driver enforces (in W).", g => g.PowerLimitW),
        new("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", MetricType.Counter, "Total energy consumption since the driver was loaded (in mJ).", g => g.Telemetry?.TotalEnergyMillijoules),
        new("DCGM_FI_DEV_GPU_UTIL", MetricType.Gauge, "GPU utilization (in %).", g => g.UtilizationGpu),
        new("DCGM_FI_DEV_MEM_COPY_UTIL", MetricType.Gauge, "Memory utilization (in %).", g => g.UtilizationMemory),
        new("DCGM_FI_DEV_ENC_UTIL", MetricType.Gauge, "Encoder utilization (in %).", g => g.Telemetry?.EncoderUtilization),
        new("DCGM_FI_DEV_DEC_UTIL", MetricType.Gauge, "Decoder utilization (in %).", g => g.Telemetry?.DecoderUtilization),
        new("DCGM_FI_DEV_FB_FREE", MetricType.Gauge, "Framebuffer memory free (in MiB).", g => Mib(g.MemoryFreeBytes ?? (g.MemoryTotalBytes - g.MemoryUsedBytes))),
        new("DCGM_FI_DEV_FB_USED", MetricType.Gauge, "Framebuffer memory used (in MiB).", g => Mib(g.MemoryUsedBytes)),
        new("DCGM_FI_DEV_FB_RESERVED", MetricType.Gauge, "Framebuffer memory reserved by the driver (in MiB).", g => Mib(g.MemoryReservedBytes)),
        new("DCGM_FI_DEV_FB_TOTAL", MetricType.Gauge, "Framebuffer memory total (in MiB).", g => Mib(g.MemoryTotalBytes)),
        new("DCGM_FI_DEV_PSTATE", MetricType.Gauge, "Performance state (P-state), 0 is the highest.", g => g.Telemetry?.PerformanceState),
        new("DCGM_FI_DEV_CLOCKS_EVENT_REASONS", MetricType.Gauge, "Why clocks are below their maximum (bitmask of NVML clocks event reasons).", g => g.Telemetry?.ClocksEventReasons),
        new("DCGM_FI_DEV_FAN_SPEED", MetricType.Gauge, "Fan speed (in %).", g => g.Telemetry?.FanSpeedPercent),
        new("DCGM_FI_DEV_PCIE_LINK_GEN", MetricType.Gauge, "Current PCIe link generation.", g => g.Telemetry?.PcieLinkGeneration),
        new("DCGM_FI_DEV_PCIE_LINK_WIDTH", MetricType.Gauge, "Current PCIe link width (lanes).", g => g.Telemetry?.PcieLinkWidth),
        new("DCGM_FI_DEV_PCIE_REPLAY_COUNTER", MetricType.Counter, "Total number of PCIe retries.", g => g.Telemetry?.PcieReplays),
        new("DCGM_FI_DEV_ECC_SBE_VOL_TOTAL", MetricType.Counter, "Total number of single-bit volatile ECC errors.", g => g.Telemetry?.EccCorrectedVolatile),
        new("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", MetricType.Counter, "Total number of double-bit volatile ECC errors.", g => g.Telemetry?.EccUncorrectedVolatile),
        new("DCGM_FI_DEV_ECC_SBE_AGG_TOTAL", MetricType.Counter, "Total number of single-bit persistent ECC errors.", g => g.Telemetry?.EccCorrectedAggregate),
        new("DCGM_FI_DEV_ECC_DBE_AGG_TOTAL", MetricType.Counter, "Total number of double-bit persistent ECC errors.", g => g.Telemetry?.EccUncorrectedAggregate),
        new("DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS", MetricType.Counter, "Number of remapped rows for correctable errors.", g => g.Telemetry?.RemappedRowsCorrectable),
        new("DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS", MetricType.Counter, "Number of remapped rows for uncorrectable errors.", g => g.Telemetry?.RemappedRowsUncorrectable),
        new("DCGM_FI_DEV_ROW_REMAP_PENDING", MetricType.Gauge, "Whether remapping of rows is pending (a GPU reset applies it).", g => Flag(g.Telemetry?.RowRemapPending)),
        new("DCGM_FI_DEV_ROW_REMAP_FAILURE", MetricType.Gauge, "Whether remapping of rows has failed.", g => Flag(g.Telemetry?.RowRemapFailed)),
        new("DCGM_FI_DEV_PERSISTENCE_MODE", MetricType.Gauge, "Persistence mode (1 on, 0 off).", g => Flag(g.PersistenceMode)),
        new("DCGM_FI_DEV_MIG_MODE", MetricType.Gauge, "MIG mode (1 enabled, 0 disabled).", g => Flag(g.MigEnabled)),
        new("DCGM_FI_DEV_ECC_CURRENT", MetricType.Gauge, "Current ECC mode (1 on, 0 off).", g => Flag(g.EccEnabled)),
        new("DCGM_FI_DEV_ECC_PENDING", MetricType.Gauge, "ECC mode after the next reset (1 on, 0 off).", g => Flag(g.EccPending)),
        new("DCGM_FI_DEV_XID_ERRORS", MetricType.Gauge, "Value of the last XID error encountered (0: none since the exporter started).", g => g.Telemetry?.LastXid),
        new("DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL", MetricType.Counter, "Total NVLink data sent and received over all active links (in KiB).", g => g.Telemetry?.NvLinkDataKiB),
        new("DCGM_FI_DEV_VGPU_LICENSE_STATUS", MetricType.Gauge, "vGPU license status (1 licensed, 0 unlicensed).", g => Flag(g.Telemetry?.VgpuLicensed)),
    ];

    /// <summary>The metric names this class can emit, for documentation and tests.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Rows.Select(r => r.Name)];

    /// <summary>
    /// dcgm-exporter's labels, in its order: gpu, UUID, pci_bus_id, device, modelName, Hostname, then its
    /// label fields (DCGM_FI_DRIVER_VERSION) and, for a series attributed to a pod, pod, namespace and
    /// container (and vgpu, the replica, when the GPU is shared).
    /// </summary>
    public static (string Name, string Value)[] Labels(GpuReport gpu, GpuSeriesContext context, PodOwner? owner = null)
    {
        List<(string, string)> labels =
        [
            ("gpu", gpu.Index.ToString(CultureInfo.InvariantCulture)),
            ("UUID", gpu.Uuid),
            ("pci_bus_id", gpu.BusId ?? string.Empty),
            ("device", "nvidia" + (gpu.MinorNumber ?? gpu.Index).ToString(CultureInfo.InvariantCulture)),
            ("modelName", gpu.Name),
            ("Hostname", context.Hostname),
        ];
        if (context.DriverVersion is { } driver && (context.Counters?.Includes(DriverVersionLabel) ?? true))
        {
            labels.Add((DriverVersionLabel, driver));
        }

        if (owner is not null)
        {
            labels.Add(("pod", owner.Pod));
            labels.Add(("namespace", owner.Namespace));
            labels.Add(("container", owner.Container));
            if (owner.Vgpu is { } replica)
            {
                labels.Add(("vgpu", replica));
            }
        }

        return [.. labels];
    }

    /// <summary>
    /// The label sets one GPU's value is served under: one per container the kubelet lists for the GPU (a
    /// shared, time-sliced GPU has several, and each gets the GPU's value, as dcgm-exporter does), or one
    /// without pod labels when no pod holds it.
    /// </summary>
    public static IReadOnlyList<(string Name, string Value)[]> LabelSets(GpuReport gpu, GpuSeriesContext context) =>
        context.Owners(gpu) is { Count: > 0 } owners ? [.. owners.Select(o => Labels(gpu, context, o))] : [Labels(gpu, context)];

    /// <summary>Adds <paramref name="value"/> under each of the GPU's label sets; nothing when there is no value.</summary>
    public static void AddSeries(MetricFamily family, double? value, GpuReport gpu, GpuSeriesContext context)
    {
        foreach (var labels in LabelSets(gpu, context))
        {
            family.AddIfPresent(value, labels);
        }
    }

    /// <summary>Adds every GPU's series; families come out in the table's order, GPUs in index order within each.</summary>
    public static void Write(Exposition exposition, IReadOnlyList<GpuReport> gpus, GpuSeriesContext context)
    {
        var labels = gpus.Select(g => LabelSets(g, context)).ToList();
        foreach (var row in Rows.Where(r => context.Counters?.Includes(r.Name) ?? true))
        {
            var family = exposition.Family(row.Name, row.Type, row.Help);
            for (var i = 0; i < gpus.Count; i++)
            {
                var value = row.Value(gpus[i]);
                foreach (var set in labels[i])
                {
                    family.AddIfPresent(value, set);
                }
            }
        }
    }

    private static double? Mib(long? bytes) => bytes is { } b ? Math.Floor(b / MiB) : null;

    private static double? Flag(bool? value) => value is { } v ? (v ? 1 : 0) : null;

    private sealed record Row(string Name, MetricType Type, string Help, Func<GpuReport, double?> Value);
}
