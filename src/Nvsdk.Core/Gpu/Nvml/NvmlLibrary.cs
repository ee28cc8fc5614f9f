using System.Runtime.InteropServices;

namespace Nvsdk.Core.Gpu.Nvml;

/// <summary>
/// libnvidia-ml.so.1, loaded at run time (a host without the driver must still get a report, not a crash),
/// called through unmanaged function pointers: AOT-safe and no global DLL resolver. Exports are looked up
/// once and cached, so a long-lived reader (the exporter) pays for dlsym only on its first scrape.
/// </summary>
internal sealed unsafe partial class NvmlLibrary
{
    public const int Success = 0;
    public const int NotSupported = 3;
    public const int InsufficientSize = 7;

    public const string FileName = "libnvidia-ml.so.1";

    private readonly nint handle;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, nint> exports = new(StringComparer.Ordinal);

    private NvmlLibrary(nint handle) => this.handle = handle;

    public static NvmlLibrary? TryLoad(string name = FileName) =>
        NativeLibrary.TryLoad(name, out var handle) ? new NvmlLibrary(handle) : null;

    /// <summary>The first of <paramref name="candidates"/> (names or paths) that loads.</summary>
    public static NvmlLibrary? TryLoad(IEnumerable<string> candidates) =>
        candidates.Select(c => TryLoad(c)).FirstOrDefault(l => l is not null);

    private nint Fn(string name) => exports.GetOrAdd(name, static (n, h) => NativeLibrary.TryGetExport(h, n, out var f) ? f : 0, handle);

    public int Init() => Fn("nvmlInit_v2") is var f and not 0 ? ((delegate* unmanaged<int>)f)() : 13;

    public void Shutdown()
    {
        if (Fn("nvmlShutdown") is var f and not 0)
        {
            _ = ((delegate* unmanaged<int>)f)();
        }
    }

    public int String(string function, out string? value) => StringCall(function, 0, out value);

    public int DeviceString(string function, nint device, out string? value) => StringCall(function, device, out value);

    private int StringCall(string function, nint device, out string? value)
    {
        value = null;
        var f = Fn(function);
        if (f == 0)
        {
            return 13;
        }

        var buffer = stackalloc byte[256];
        var ret = device == 0
            ? ((delegate* unmanaged<byte*, uint, int>)f)(buffer, 256)
            : ((delegate* unmanaged<nint, byte*, uint, int>)f)(device, buffer, 256);
        if (ret == Success)
        {
            value = Marshal.PtrToStringUTF8((nint)buffer);
        }

        return ret;
    }

    public int SystemInt(string function, out int value)
    {
        int v = 0;
        var f = Fn(function);
        var ret = f == 0 ? 13 : ((delegate* unmanaged<int*, int>)f)(&v);
        value = v;
        return ret;
    }

    public int DeviceCount(out uint count)
    {
        uint c = 0;
        var f = Fn("nvmlDeviceGetCount_v2");
        var ret = f == 0 ? 13 : ((delegate* unmanaged<uint*, int>)f)(&c);
        count = c;
        return ret;
    }

    public int Device(uint index, out nint device)
    {
        nint d = 0;
        var f = Fn("nvmlDeviceGetHandleByIndex_v2");
        var ret = f == 0 ? 13 : ((delegate* unmanaged<uint, nint*, int>)f)(index, &d);
        device = d;
        return ret;
    }

    /// <summary>Calls a `nvmlReturn_t f(nvmlDevice_t, unsigned int *)` function; null when unsupported.</summary>
    public uint? DeviceUInt(string function, nint device)
    {
        uint v = 0;
        var f = Fn(function);
        return f != 0 && ((delegate* unmanaged<nint, uint*, int>)f)(device, &v) == Success ? v : null;
    }

    /// <summary>Calls `f(device, unsigned int arg, unsigned int *)` (temperature sensor, clock type).</summary>
    public uint? DeviceUIntArg(string function, nint device, uint arg)
    {
        uint v = 0;
        var f = Fn(function);
        return f != 0 && ((delegate* unmanaged<nint, uint, uint*, int>)f)(device, arg, &v) == Success ? v : null;
    }

    /// <summary>Calls `f(device, T1 *current, T2 *pending)` for MIG and ECC modes (both 32-bit).</summary>
    public (uint Current, uint Pending)? DevicePair(string function, nint device)
    {
        uint a = 0, b = 0;
        var f = Fn(function);
        return f != 0 && ((delegate* unmanaged<nint, uint*, uint*, int>)f)(device, &a, &b) == Success ? (a, b) : null;
    }

    public (int Major, int Minor)? ComputeCapability(nint device)
    {
        int a = 0, b = 0;
        var f = Fn("nvmlDeviceGetCudaComputeCapability");
        return f != 0 && ((delegate* unmanaged<nint, int*, int*, int>)f)(device, &a, &b) == Success ? (a, b) : null;
    }

    public (ulong Total, ulong Free, ulong Used)? Memory(nint device)
    {
        var m = stackalloc ulong[3];
        var f = Fn("nvmlDeviceGetMemoryInfo");
        return f != 0 && ((delegate* unmanaged<nint, ulong*, int>)f)(device, m) == Success ? (m[0], m[1], m[2]) : null;
    }

    public (uint Gpu, uint Memory)? Utilization(nint device)
    {
        var u = stackalloc uint[2];
        var f = Fn("nvmlDeviceGetUtilizationRates");
        return f != 0 && ((delegate* unmanaged<nint, uint*, int>)f)(device, u) == Success ? (u[0], u[1]) : null;
    }

    /// <summary>nvmlPciInfo_t (v3): busIdLegacy[16], domain, bus, device, pciDeviceId, pciSubSystemId, busId[32].</summary>
    public string? PciBusId(nint device)
    {
        var info = stackalloc byte[16 + (5 * 4) + 32];
        var f = Fn("nvmlDeviceGetPciInfo_v3");
        return f != 0 && ((delegate* unmanaged<nint, byte*, int>)f)(device, info) == Success
            ? Marshal.PtrToStringUTF8((nint)(info + 16 + 20))
            : null;
    }

    /// <summary>nvmlProcessInfo_t (v2/v3): pid (u32), usedGpuMemory (u64), gpuInstanceId, computeInstanceId.</summary>
    public IReadOnlyList<(int Pid, ulong UsedMemory)> ComputeProcesses(nint device)
    {
        var f = Fn("nvmlDeviceGetComputeRunningProcesses_v3");
        if (f == 0)
        {
            return [];
        }

        const int Max = 64;
        const int Stride = 24;
        var infos = stackalloc byte[Max * Stride];
        uint count = Max;
        if (((delegate* unmanaged<nint, uint*, byte*, int>)f)(device, &count, infos) != Success)
        {
            return [];
        }

        var list = new List<(int, ulong)>();
        for (var i = 0; i < (int)Math.Min(count, Max); i++)
        {
            list.Add((*(int*)(infos + (i * Stride)), *(ulong*)(infos + (i * Stride) + 8)));
        }

        return list;
    }

    /// <summary>NVML's own name for a return code, for findings and snapshots.</summary>
    public static string Name(int code) => code switch
    {
        0 => "SUCCESS",
        1 => "UNINITIALIZED",
        3 => "NOT_SUPPORTED",
        4 => "NO_PERMISSION",
        6 => "NOT_FOUND",
        9 => "DRIVER_NOT_LOADED",
        12 => "LIBRARY_NOT_FOUND",
        13 => "FUNCTION_NOT_FOUND",
        15 => "GPU_IS_LOST",
        16 => "RESET_REQUIRED",
        18 => "LIB_RM_VERSION_MISMATCH",
        _ => $"ERROR_{code}",
    };
}
