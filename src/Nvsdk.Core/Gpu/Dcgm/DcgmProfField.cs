namespace Nvsdk.Core.Gpu.Dcgm;

/// <summary>
/// One DCGM profiling (DCP) field as dcgm-exporter serves it: the name in its counters file and the field id
/// from dcgm_fields.h (DCGM 4.6.0: DCGM_FI_PROF_GR_ENGINE_ACTIVE is an alias of
/// DCGM_FI_PROF_GR_ENGINE_UTIL_RATIO = 1001, and so on). All are gauges: ratios in [0, 1], PCIe in bytes/s.
/// </summary>
public sealed record DcgmProfField(string Name, ushort Id, string Help)
{
    /// <summary>DCGM_FI_DEV_UUID (54): watched beside the profiling fields to join DCGM's GPU ids to NVML's GPUs.</summary>
    public const ushort UuidFieldId = 54;

    /// <summary>Every DCGM_FI_PROF_* row of dcgm-exporter's etc/default-counters.csv (4.5.3-4.8.2), commented or not.</summary>
    public static IReadOnlyList<DcgmProfField> All { get; } =
    [
        new("DCGM_FI_PROF_GR_ENGINE_ACTIVE", 1001, "Ratio of time the graphics engine is active."),
        new("DCGM_FI_PROF_SM_ACTIVE", 1002, "The ratio of cycles an SM has at least 1 warp assigned."),
        new("DCGM_FI_PROF_SM_OCCUPANCY", 1003, "The ratio of number of warps resident on an SM."),
        new("DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", 1004, "Ratio of cycles the tensor (HMMA) pipe is active."),
        new("DCGM_FI_PROF_DRAM_ACTIVE", 1005, "Ratio of cycles the device memory interface is active sending or receiving data."),
        new("DCGM_FI_PROF_PIPE_FP64_ACTIVE", 1006, "Ratio of cycles the fp64 pipes are active."),
        new("DCGM_FI_PROF_PIPE_FP32_ACTIVE", 1007, "Ratio of cycles the fp32 pipes are active."),
        new("DCGM_FI_PROF_PIPE_FP16_ACTIVE", 1008, "Ratio of cycles the fp16 pipes are active."),
        new("DCGM_FI_PROF_PCIE_TX_BYTES", 1009, "The rate of data transmitted over the PCIe bus - including both protocol headers and data payloads - in bytes per second."),
        new("DCGM_FI_PROF_PCIE_RX_BYTES", 1010, "The rate of data received over the PCIe bus - including both protocol headers and data payloads - in bytes per second."),
    ];

    /// <summary>
    /// The five dcgm-exporter turns on by default. When DCGM cannot collect every field in one pass
    /// (DCGM_ST_PROFILING_MULTI_PASS on some GPUs), nvsdk falls back to these, as dcgm-exporter's defaults do.
    /// </summary>
    public static IReadOnlyList<DcgmProfField> Defaults { get; } =
        [.. All.Where(f => f.Id is 1001 or 1004 or 1005 or 1009 or 1010)];

    public static IReadOnlyList<string> Names { get; } = [.. All.Select(f => f.Name)];
}
