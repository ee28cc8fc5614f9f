using System.Runtime.InteropServices;

namespace Nvsdk.Core.Gpu.Dcgm;

/// <summary>
/// libdcgm.so.4 (DCGM 4), loaded at run time like NVML: through NativeLibrary and unmanaged function pointers,
/// so the NativeAOT binary needs no DCGM at build time and a host without it gets a reason, not a crash. Only
/// the calls of dcgm_agent.h that a field watch needs; every export is checked when the library is loaded, so
/// a library missing one is refused up front rather than failing mid-scrape.
/// </summary>
internal sealed unsafe class DcgmLibrary
{
    public const string FileName = "libdcgm.so.4";

    /// <summary>DCGM_GROUP_ALL_GPUS: the predefined group of every GPU DCGM sees.</summary>
    public const nuint AllGpus = 0x7fffffff;

    /// <summary>DCGM_OPERATION_MODE_AUTO: the embedded engine samples on its own thread.</summary>
    public const int OperationModeAuto = 1;

    /// <summary>dcgmConnectV2Params_v2 {version, persistAfterDisconnect, timeoutMs, addressIsUnixSocket}: 16 bytes, version 2.</summary>
    public const uint ConnectParamsVersion2 = 16 | (2u << 24);

    private static readonly string[] Required =
    [
        "dcgmInit", "dcgmShutdown", "dcgmStartEmbedded", "dcgmStopEmbedded", "dcgmConnect_v2", "dcgmDisconnect",
        "dcgmFieldGroupCreate", "dcgmFieldGroupDestroy", "dcgmWatchFields", "dcgmUpdateAllFields", "dcgmGetLatestValues",
    ];

    private readonly Dictionary<string, nint> exports;

    private DcgmLibrary(string path, Dictionary<string, nint> exports)
    {
        Path = path;
        this.exports = exports;
    }

    /// <summary>Where the library was loaded from (the name the loader resolved, or a path).</summary>
    public string Path { get; }

    /// <summary>
    /// The first candidate that loads and exports every call nvsdk uses; otherwise null and why (the last
    /// candidate that loaded but lacks a call wins over "not found", since that is what the user must fix).
    /// </summary>
    public static DcgmLibrary? TryLoad(IEnumerable<string> candidates, out string reason)
    {
        reason = $"{FileName} not found (install DCGM 4 for DCGM_FI_PROF_* fields)";
        foreach (var candidate in candidates)
        {
            if (!NativeLibrary.TryLoad(candidate, out var handle))
            {
                if (candidate.Contains('/', StringComparison.Ordinal) && File.Exists(candidate))
                {
                    reason = $"{candidate} exists but cannot be loaded (not a shared library for this machine?)";
                }

                continue;
            }

            var found = new Dictionary<string, nint>(StringComparer.Ordinal);
            var missing = Required.Where(name => !Export(handle, name, found)).ToList();
            _ = Export(handle, "errorString", found); // optional: DCGM's own words for a status
            if (missing.Count == 0)
            {
                return new DcgmLibrary(candidate, found);
            }

            reason = $"{candidate} lacks {string.Join(", ", missing)} (not DCGM 4?)";
            NativeLibrary.Free(handle);
        }

        return null;
    }

    public int Init() => ((delegate* unmanaged<int>)exports["dcgmInit"])();

    public int Shutdown() => ((delegate* unmanaged<int>)exports["dcgmShutdown"])();

    public int StartEmbedded(out nuint dcgm)
    {
        nuint h = 0;
        var ret = ((delegate* unmanaged<int, nuint*, int>)exports["dcgmStartEmbedded"])(OperationModeAuto, &h);
        dcgm = h;
        return ret;
    }

    public int StopEmbedded(nuint dcgm) => ((delegate* unmanaged<nuint, int>)exports["dcgmStopEmbedded"])(dcgm);

    /// <summary>dcgmConnect_v2 to a TCP address ("127.0.0.1:5555"); watches are dropped when the connection goes.</summary>
    public int Connect(string address, uint timeoutMs, out nuint dcgm)
    {
        var parameters = stackalloc uint[4] { ConnectParamsVersion2, 0, timeoutMs, 0 };
        var name = Marshal.StringToCoTaskMemUTF8(address);
        try
        {
            nuint h = 0;
            var ret = ((delegate* unmanaged<byte*, uint*, nuint*, int>)exports["dcgmConnect_v2"])((byte*)name, parameters, &h);
            dcgm = h;
            return ret;
        }
        finally
        {
            Marshal.FreeCoTaskMem(name);
        }
    }

    public int Disconnect(nuint dcgm) => ((delegate* unmanaged<nuint, int>)exports["dcgmDisconnect"])(dcgm);

    public int FieldGroupCreate(nuint dcgm, ReadOnlySpan<ushort> fieldIds, string name, out nuint fieldGroup)
    {
        var utf8 = Marshal.StringToCoTaskMemUTF8(name);
        try
        {
            nuint g = 0;
            int ret;
            fixed (ushort* ids = fieldIds)
            {
                ret = ((delegate* unmanaged<nuint, int, ushort*, byte*, nuint*, int>)exports["dcgmFieldGroupCreate"])(dcgm, fieldIds.Length, ids, (byte*)utf8, &g);
            }

            fieldGroup = g;
            return ret;
        }
        finally
        {
            Marshal.FreeCoTaskMem(utf8);
        }
    }

    public int FieldGroupDestroy(nuint dcgm, nuint fieldGroup) => ((delegate* unmanaged<nuint, nuint, int>)exports["dcgmFieldGroupDestroy"])(dcgm, fieldGroup);

    /// <summary>dcgmWatchFields(handle, group, fieldGroup, updateFreq usec, maxKeepAge s, maxKeepSamples).</summary>
    public int WatchFields(nuint dcgm, nuint group, nuint fieldGroup, long updateFrequencyUsec, double maxKeepAgeSeconds, int maxKeepSamples) =>
        ((delegate* unmanaged<nuint, nuint, nuint, long, double, int, int>)exports["dcgmWatchFields"])(dcgm, group, fieldGroup, updateFrequencyUsec, maxKeepAgeSeconds, maxKeepSamples);

    public int UpdateAllFields(nuint dcgm, bool wait) => ((delegate* unmanaged<nuint, int, int>)exports["dcgmUpdateAllFields"])(dcgm, wait ? 1 : 0);

    /// <summary>
    /// dcgmGetLatestValues: DCGM calls back once or more per GPU with that GPU's values, which live only for the
    /// call; each is copied into <paramref name="into"/> by GPU id. The callback is a static UnmanagedCallersOnly
    /// method and the list travels as a GCHandle in userData: no delegate marshalling, AOT-safe.
    /// </summary>
    public int GetLatestValues(nuint dcgm, nuint group, nuint fieldGroup, List<(uint GpuId, DcgmFieldValue Value)> into)
    {
        var handle = GCHandle.Alloc(into);
        try
        {
            return ((delegate* unmanaged<nuint, nuint, nuint, delegate* unmanaged<uint, DcgmFieldValue*, int, void*, int>, void*, int>)exports["dcgmGetLatestValues"])(
                dcgm, group, fieldGroup, &OnValues, (void*)GCHandle.ToIntPtr(handle));
        }
        finally
        {
            handle.Free();
        }
    }

    /// <summary>DCGM's name for a status (errorString), or the number when the library has no such call.</summary>
    public string Describe(int status)
    {
        if (exports.TryGetValue("errorString", out var f) && ((delegate* unmanaged<int, byte*>)f)(status) is var text && text is not null)
        {
            return $"{Marshal.PtrToStringUTF8((nint)text)} ({status})";
        }

        return $"DCGM status {status}";
    }

    [UnmanagedCallersOnly]
    private static int OnValues(uint gpuId, DcgmFieldValue* values, int count, void* userData)
    {
        var into = (List<(uint, DcgmFieldValue)>)GCHandle.FromIntPtr((nint)userData).Target!;
        for (var i = 0; i < count; i++)
        {
            into.Add((gpuId, values[i]));
        }

        return 0;
    }

    private static bool Export(nint handle, string name, Dictionary<string, nint> into)
    {
        if (!NativeLibrary.TryGetExport(handle, name, out var f))
        {
            return false;
        }

        into[name] = f;
        return true;
    }
}
