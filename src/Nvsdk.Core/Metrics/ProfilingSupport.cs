using System.Runtime.InteropServices;

namespace Nvsdk.Core.Metrics;

/// <summary>
/// Whether dcgm-exporter's profiling fields (DCGM_FI_PROF_*: tensor, graphics-engine and DRAM activity,
/// PCIe bytes) can be served. Only DCGM measures them (NVML has no equivalent), so without libdcgm.so.4
/// they are left out, and `nvsdk_exporter_info{prof="unavailable",prof_reason=…}` says why, rather than
/// a fake zero that a dashboard would draw as an idle GPU.
/// </summary>
public sealed record ProfilingSupport(bool Available, string Reason)
{
    public const string DcgmLibrary = "libdcgm.so.4";

    /// <summary>Looks for DCGM's library the way the loader would, then under the host root's library folders.</summary>
    public static ProfilingSupport Probe(string hostRoot)
    {
        string[] candidates =
        [
            DcgmLibrary,
            .. new[] { "usr/lib/x86_64-linux-gnu", "usr/lib/aarch64-linux-gnu", "usr/lib64" }.Select(d => Path.Join(hostRoot, d, DcgmLibrary)),
        ];
        foreach (var candidate in candidates)
        {
            if (NativeLibrary.TryLoad(candidate, out var handle))
            {
                NativeLibrary.Free(handle);

                // Found, but nvsdk does not yet drive DCGM's field-watch API: say so instead of pretending.
                return new(false, $"{DcgmLibrary} found ({candidate}) but nvsdk does not read DCGM profiling fields yet");
            }
        }

        return new(false, $"{DcgmLibrary} not found (install DCGM 4 for DCGM_FI_PROF_* fields)");
    }

    public static ProfilingSupport Recorded { get; } = new(false, "serving a recorded snapshot: no DCGM");
}
