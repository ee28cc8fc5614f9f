namespace Nvsdk.Core.Gpu.Nvml;

/// <summary>The NVML calls behind the exporter's metrics: counters and readings beyond what doctor needs.</summary>
internal sealed unsafe partial class NvmlLibrary
{
    /// <summary>Calls `f(device, unsigned long long *)` (energy in mJ, clock event reasons); null when unsupported.</summary>
    public ulong? DeviceULong(string function, nint device)
    {
        ulong v = 0;
        var f = Fn(function);
        return f != 0 && ((delegate* unmanaged<nint, ulong*, int>)f)(device, &v) == Success ? v : null;
    }

    /// <summary>Calls `f(device, int *)` for enums such as nvmlPstates_t.</summary>
    public int? DeviceInt(string function, nint device)
    {
        int v = 0;
        var f = Fn(function);
        return f != 0 && ((delegate* unmanaged<nint, int*, int>)f)(device, &v) == Success ? v : null;
    }

    /// <summary>nvmlDeviceGetTotalEccErrors: errorType 0 corrected / 1 uncorrected, counterType 0 volatile / 1 aggregate.</summary>
    public ulong? EccErrors(nint device, uint errorType, uint counterType)
    {
        ulong v = 0;
        var f = Fn("nvmlDeviceGetTotalEccErrors");
        return f != 0 && ((delegate* unmanaged<nint, uint, uint, ulong*, int>)f)(device, errorType, counterType, &v) == Success ? v : null;
    }

    /// <summary>nvmlDeviceGetRemappedRows (Ampere and newer): correctable, uncorrectable, pending, failure.</summary>
    public (uint Correctable, uint Uncorrectable, bool Pending, bool Failed)? RemappedRows(nint device)
    {
        uint c = 0, u = 0, p = 0, x = 0;
        var f = Fn("nvmlDeviceGetRemappedRows");
        return f != 0 && ((delegate* unmanaged<nint, uint*, uint*, uint*, uint*, int>)f)(device, &c, &u, &p, &x) == Success
            ? (c, u, p != 0, x != 0)
            : null;
    }

    /// <summary>
    /// One value through nvmlDeviceGetFieldValues (for readings with no function of their own, such as the
    /// HBM temperature). nvmlFieldValue_t: fieldId u32, scopeId u32, timestamp i64, latencyUsec i64,
    /// valueType u32, nvmlReturn u32, value (8-byte union): 40 bytes. <paramref name="scopeId"/> picks the
    /// link for per-NVLink fields.
    /// </summary>
    public double? FieldValue(nint device, uint fieldId, uint scopeId = 0)
    {
        var f = Fn("nvmlDeviceGetFieldValues");
        if (f == 0)
        {
            return null;
        }

        var value = stackalloc byte[40];
        new Span<byte>(value, 40).Clear();
        *(uint*)value = fieldId;
        *(uint*)(value + 4) = scopeId;
        if (((delegate* unmanaged<nint, int, byte*, int>)f)(device, 1, value) != Success || *(int*)(value + 28) != Success)
        {
            return null;
        }

        var payload = value + 32;
        return *(uint*)(value + 24) switch
        {
            0 => *(double*)payload,
            1 => *(uint*)payload,
            2 or 3 => *(ulong*)payload,
            4 => *(long*)payload,
            5 => *(int*)payload,
            6 => *(ushort*)payload,
            _ => null,
        };
    }
}
