namespace Nvsdk.Core.Gpu.Nvml;

/// <summary>
/// The NVML calls behind dcgm-exporter's fleet counters: versioned memory info (reserved memory apart),
/// NVLink link state, vGPU licensing, and the XID event set.
/// </summary>
internal sealed unsafe partial class NvmlLibrary
{
    public const int Timeout = 10;

    /// <summary>nvmlEventTypeXidCriticalError.</summary>
    public const ulong EventXidCritical = 0x8;

    /// <summary>NVML_NVLINK_MAX_LINKS in the r580 header (Hopper has 18 links).</summary>
    public const uint MaxNvLinks = 18;

    /// <summary>
    /// nvmlDeviceGetMemoryInfo_v2 (r510+): nvmlMemory_v2_t is version u32 (+4 padding), total, reserved, free,
    /// used (u64 each); 40 bytes, version = sizeof | 2 &lt;&lt; 24. Unlike v1, its `used` leaves out what the
    /// driver reserves for itself, which is what dcgm-exporter's FB_USED and FB_RESERVED report.
    /// </summary>
    public (ulong Total, ulong Reserved, ulong Free, ulong Used)? MemoryV2(nint device)
    {
        const int Size = 40;
        var m = stackalloc ulong[Size / 8];
        new Span<ulong>(m, Size / 8).Clear();
        *(uint*)m = Size | (2u << 24);
        var f = Fn("nvmlDeviceGetMemoryInfo_v2");
        return f != 0 && ((delegate* unmanaged<nint, ulong*, int>)f)(device, m) == Success ? (m[1], m[2], m[3], m[4]) : null;
    }

    /// <summary>nvmlDeviceGetNvLinkState(device, link, nvmlEnableState_t *): true when the link is up.</summary>
    public bool? NvLinkActive(nint device, uint link)
    {
        uint v = 0;
        var f = Fn("nvmlDeviceGetNvLinkState");
        return f != 0 && ((delegate* unmanaged<nint, uint, uint*, int>)f)(device, link, &v) == Success ? v == 1 : null;
    }

    /// <summary>
    /// Whether this vGPU guest holds its licence: nvmlDeviceGetGridLicensableFeatures_v4 fills
    /// nvmlGridLicensableFeatures_t (isGridLicenseSupported i32, count u32, then up to 3 features of 284
    /// bytes: featureCode u32, featureState u32, licenseInfo[128], productName[128], featureEnabled u32,
    /// licenseExpiry 16). Null where NVML has no licence to report (bare metal, passthrough).
    /// </summary>
    public bool? VgpuLicensed(nint device)
    {
        const int FeatureSize = 284;
        const int Size = 8 + (3 * FeatureSize);
        var f = Fn("nvmlDeviceGetGridLicensableFeatures_v4");
        if (f == 0)
        {
            return null;
        }

        var buffer = stackalloc byte[Size];
        new Span<byte>(buffer, Size).Clear();
        if (((delegate* unmanaged<nint, byte*, int>)f)(device, buffer) != Success || *(int*)buffer == 0)
        {
            return null;
        }

        var count = Math.Min(*(uint*)(buffer + 4), 3u);
        for (var i = 0; i < count; i++)
        {
            var feature = buffer + 8 + (i * FeatureSize);
            if (*(uint*)(feature + 4 + 4 + 128 + 128) != 0)
            {
                return *(uint*)(feature + 4) == 1; // featureState of the enabled feature: 1 licensed
            }
        }

        return false;
    }

    /// <summary>nvmlDeviceGetVirtualizationMode: 0 none, 1 passthrough, 2 vGPU guest, 3 host vGPU, 4 host vSGA.</summary>
    public int? VirtualizationMode(nint device) => DeviceInt("nvmlDeviceGetVirtualizationMode", device);

    /// <summary>nvmlEventSetCreate; 0 when the driver has no event support.</summary>
    public nint EventSetCreate()
    {
        nint set = 0;
        var f = Fn("nvmlEventSetCreate");
        return f != 0 && ((delegate* unmanaged<nint*, int>)f)(&set) == Success ? set : 0;
    }

    /// <summary>nvmlDeviceRegisterEvents(device, eventTypes, set); NVML's return code.</summary>
    public int RegisterEvents(nint device, ulong eventTypes, nint set)
    {
        var f = Fn("nvmlDeviceRegisterEvents");
        return f == 0 ? 13 : ((delegate* unmanaged<nint, ulong, nint, int>)f)(device, eventTypes, set);
    }

    /// <summary>
    /// nvmlEventSetWait_v2: waits up to <paramref name="timeoutMs"/> for one event. nvmlEventData_t is
    /// device (pointer), eventType u64, eventData u64 (the XID), gpuInstanceId u32, computeInstanceId u32.
    /// </summary>
    public int EventSetWait(nint set, uint timeoutMs, out nint device, out ulong eventType, out ulong eventData)
    {
        var data = stackalloc byte[32];
        new Span<byte>(data, 32).Clear();
        var f = Fn("nvmlEventSetWait_v2");
        var ret = f == 0 ? 13 : ((delegate* unmanaged<nint, byte*, uint, int>)f)(set, data, timeoutMs);
        device = *(nint*)data;
        eventType = *(ulong*)(data + 8);
        eventData = *(ulong*)(data + 16);
        return ret;
    }

    public void EventSetFree(nint set)
    {
        if (Fn("nvmlEventSetFree") is var f and not 0)
        {
            _ = ((delegate* unmanaged<nint, int>)f)(set);
        }
    }
}
