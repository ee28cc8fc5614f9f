using Nvsdk.Core.Gpu.Nvml;

namespace Nvsdk.Core.Metrics;

/// <summary>
/// What every GPU series is labelled with beyond the GPU itself, and which series to serve: the node's
/// name, the driver version (dcgm-exporter's DCGM_FI_DRIVER_VERSION label), the pod holding each GPU when
/// the kubelet says, and the fields a `--collectors` file chose (null: all).
/// </summary>
public sealed record GpuSeriesContext(string Hostname, string? DriverVersion = null)
{
    /// <summary>The containers holding each GPU, by UUID or by index (the device plugin names a GPU either way); null: no attribution.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<PodOwner>>? Pods { get; init; }

    public CounterSelection? Counters { get; init; }

    /// <summary>Who holds this GPU (several containers when it is shared): looked up by UUID first, then by index; empty: nobody.</summary>
    public IReadOnlyList<PodOwner> Owners(GpuReport gpu) =>
        Pods is null ? []
        : Pods.TryGetValue(gpu.Uuid, out var byUuid) ? byUuid
        : Pods.TryGetValue(gpu.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), out var byIndex) ? byIndex
        : [];
}

/// <summary>
/// The container a GPU is allocated to, as the kubelet's pod-resources API lists it; <paramref name="Vgpu"/> is
/// the replica of a shared GPU (the `N` of the device plugin's `GPU-…::N`), dcgm-exporter's `vgpu` label.
/// </summary>
public sealed record PodOwner(string Pod, string Namespace, string Container, string? Vgpu = null);
