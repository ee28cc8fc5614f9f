using Nvsdk.Core.Host.Cdi;

namespace Nvsdk.Core.Gpu.Nvml;

/// <summary>
/// A long-lived connection to NVML: the library loaded, nvmlInit done and the device handles (with what never
/// changes about a GPU: name, UUID, bus, minor number) taken once, so each <see cref="Read"/> makes only the
/// calls whose answers move. The exporter keeps one for its whole life; a one-shot reader opens and disposes
/// one. Reads are serialised: NVML is thread-safe, but two scrapes at once gain nothing.
/// </summary>
public sealed class NvmlSession : IDisposable
{
    private const uint TemperatureGpu = 0;
    private const uint ClockSm = 1;
    private const uint ClockMemory = 2;
    private const uint FieldMemoryTemperature = 82; // NVML_FI_DEV_MEMORY_TEMP
    private const uint EccCorrected = 0;
    private const uint EccUncorrected = 1;
    private const uint EccVolatile = 0;
    private const uint EccAggregate = 1;
    private const int PstateUnknown = 32;
    private const uint FieldNvLinkDataTx = 138; // NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX, KiB, scope = link
    private const uint FieldNvLinkDataRx = 139; // NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_RX
    private const int VirtualizationVgpuGuest = 2; // NVML_GPU_VIRTUALIZATION_MODE_VGPU

    private readonly NvmlLibrary nvml;
    private readonly Lock gate = new();
    private readonly string? driverVersion;
    private readonly string? nvmlVersion;
    private readonly int? cudaDriverVersion;
    private List<DeviceIdentity> devices = [];
    private uint? enumeratedCount;
    private bool disposed;
    private Action<string>? xidLog;
    private XidWatcher? xids;

    private NvmlSession(NvmlLibrary nvml)
    {
        this.nvml = nvml;
        nvml.String("nvmlSystemGetDriverVersion", out driverVersion);
        nvml.String("nvmlSystemGetNVMLVersion", out nvmlVersion);
        cudaDriverVersion = nvml.SystemInt("nvmlSystemGetCudaDriverVersion_v2", out var cuda) == NvmlLibrary.Success ? cuda : null;
    }

    /// <summary>
    /// Where libnvidia-ml.so.1 is looked for: the loader's own search first, then, when the host's root is
    /// mounted elsewhere (a container given `--host-root /host`), where the host's linker cache says it is,
    /// then the usual driver folders of distributions, NixOS and GPU clouds, all under that root.
    /// </summary>
    public static IReadOnlyList<string> LibraryCandidates(string hostRoot = "/")
    {
        var candidates = new List<string> { NvmlLibrary.FileName };
        if (Path.GetFullPath(hostRoot) == "/")
        {
            return candidates;
        }

        candidates.AddRange(HostLinkerCache(hostRoot).Where(e => e.Name == NvmlLibrary.FileName).Select(e => Path.Join(hostRoot, e.Path)));
        string[] dirs = ["usr/lib/x86_64-linux-gnu", "usr/lib/aarch64-linux-gnu", "usr/lib64", "usr/lib", "lib/x86_64-linux-gnu", "lib64", "lib", "run/opengl-driver/lib", "usr/local/nvidia/lib64"];
        candidates.AddRange(dirs.Select(d => Path.Join(hostRoot, d, NvmlLibrary.FileName)));
        return candidates.Distinct(StringComparer.Ordinal).ToList();
    }

    private static IReadOnlyList<(string Name, string Path)> HostLinkerCache(string hostRoot)
    {
        try
        {
            var cache = new FileInfo(Path.Join(hostRoot, "etc/ld.so.cache"));
            return cache.Exists && cache.Length <= LdCache.MaxBytes ? LdCache.Parse(File.ReadAllBytes(cache.FullName)) : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>Opens NVML, or returns null with NVML's name for why not (LIBRARY_NOT_FOUND, DRIVER_NOT_LOADED…).</summary>
    public static NvmlSession? TryOpen(IEnumerable<string> libraryCandidates, out string? error)
    {
        var nvml = NvmlLibrary.TryLoad(libraryCandidates);
        if (nvml is null)
        {
            error = "LIBRARY_NOT_FOUND";
            return null;
        }

        var init = nvml.Init();
        if (init != NvmlLibrary.Success)
        {
            error = NvmlLibrary.Name(init);
            return null;
        }

        error = null;
        return new NvmlSession(nvml);
    }

    public static NvmlSession? TryOpen(out string? error) => TryOpen([NvmlLibrary.FileName], out error);

    /// <summary>
    /// Watches XID errors from now on (a long-lived reader: the exporter); each GPU's report then carries its
    /// last XID and count. <paramref name="log"/> hears each XID and why a GPU cannot be watched.
    /// </summary>
    public void WatchXids(Action<string> log)
    {
        lock (gate)
        {
            xidLog = log;
            enumeratedCount = null; // the next read takes the handles and registers them
        }
    }

    /// <summary>Everything NVML says now. <paramref name="readProcesses"/> false skips the per-GPU process list.</summary>
    public NvmlReport Read(Func<int, string?>? processName = null, bool readProcesses = true)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            var count = nvml.DeviceCount(out var n);
            if (count != NvmlLibrary.Success)
            {
                return new NvmlReport { Error = NvmlLibrary.Name(count), DriverVersion = driverVersion, CudaDriverVersion = cudaDriverVersion, NvmlVersion = nvmlVersion };
            }

            if (enumeratedCount != n)
            {
                devices = Enumerate(n); // first read, or a GPU appeared or fell off the bus: take the handles again
                enumeratedCount = n;
                xids?.Dispose();
                xids = xidLog is null ? null : new XidWatcher(nvml, devices.Select(d => (d.Handle, d.Uuid)), xidLog);
            }

            var gpus = devices.Select(d => ReadGpu(d, readProcesses ? processName ?? (_ => null) : null)).ToList();
            return new NvmlReport { DriverVersion = driverVersion, CudaDriverVersion = cudaDriverVersion, NvmlVersion = nvmlVersion, Gpus = gpus };
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (!disposed)
            {
                disposed = true;
                xids?.Dispose();
                nvml.Shutdown();
            }
        }
    }

    private List<DeviceIdentity> Enumerate(uint count)
    {
        var list = new List<DeviceIdentity>();
        for (uint i = 0; i < count; i++)
        {
            if (nvml.Device(i, out var device) != NvmlLibrary.Success)
            {
                continue;
            }

            nvml.DeviceString("nvmlDeviceGetName", device, out var name);
            nvml.DeviceString("nvmlDeviceGetUUID", device, out var uuid);
            var cc = nvml.ComputeCapability(device);
            list.Add(new DeviceIdentity(
                (int)i,
                device,
                name ?? "unknown GPU",
                uuid ?? string.Empty,
                nvml.PciBusId(device),
                (int?)nvml.DeviceUInt("nvmlDeviceGetMinorNumber", device),
                cc?.Major,
                cc?.Minor,
                (int?)nvml.DeviceUIntArg("nvmlDeviceGetMaxClockInfo", device, ClockMemory),
                (int?)nvml.DeviceUInt("nvmlDeviceGetMemoryBusWidth", device)));
        }

        return list;
    }

    private GpuReport ReadGpu(DeviceIdentity d, Func<int, string?>? processName)
    {
        var device = d.Handle;
        var mig = nvml.DevicePair("nvmlDeviceGetMigMode", device);
        var ecc = nvml.DevicePair("nvmlDeviceGetEccMode", device);
        var memoryV2 = nvml.MemoryV2(device);
        var memory = memoryV2 is { } v2 ? (v2.Total, v2.Free, v2.Used) : nvml.Memory(device);
        var utilization = nvml.Utilization(device);
        return new GpuReport
        {
            Index = d.Index,
            Name = d.Name,
            Uuid = d.Uuid,
            BusId = d.BusId,
            MinorNumber = d.MinorNumber,
            PersistenceMode = nvml.DeviceUInt("nvmlDeviceGetPersistenceMode", device) is { } p ? p == 1 : null,
            MigEnabled = mig is { } m ? m.Current == 1 : null,
            MigPending = mig is { } mp ? mp.Pending == 1 : null,
            EccEnabled = ecc is { } e ? e.Current == 1 : null,
            EccPending = ecc is { } ep ? ep.Pending == 1 : null,
            TemperatureC = (int?)nvml.DeviceUIntArg("nvmlDeviceGetTemperature", device, TemperatureGpu),
            PowerW = nvml.DeviceUInt("nvmlDeviceGetPowerUsage", device) / 1000.0,
            PowerLimitW = nvml.DeviceUInt("nvmlDeviceGetEnforcedPowerLimit", device) / 1000.0,
            MemoryTotalBytes = (long?)memory?.Total,
            MemoryUsedBytes = (long?)memory?.Used,
            MemoryFreeBytes = (long?)memory?.Free,
            MemoryReservedBytes = (long?)memoryV2?.Reserved,
            UtilizationGpu = (int?)utilization?.Gpu,
            UtilizationMemory = (int?)utilization?.Memory,
            ComputeCapabilityMajor = d.ComputeCapabilityMajor,
            ComputeCapabilityMinor = d.ComputeCapabilityMinor,
            MaxMemoryClockMHz = d.MaxMemoryClockMHz,
            MemoryBusWidthBits = d.MemoryBusWidthBits,
            Telemetry = ReadTelemetry(device) is var telemetry && xids?.Read(device) is { } xid
                ? telemetry with { LastXid = xid.Last, XidErrors = xid.Count }
                : telemetry,
            Processes = processName is null
                ? []
                : nvml.ComputeProcesses(device).Select(p => new GpuProcess(p.Pid, processName(p.Pid), (long)p.UsedMemory)).ToList(),
        };
    }

    private GpuTelemetry ReadTelemetry(nint device)
    {
        var remapped = nvml.RemappedRows(device);
        return new GpuTelemetry
        {
            SmClockMHz = (int?)nvml.DeviceUIntArg("nvmlDeviceGetClockInfo", device, ClockSm),
            MemoryClockMHz = (int?)nvml.DeviceUIntArg("nvmlDeviceGetClockInfo", device, ClockMemory),
            MemoryTemperatureC = nvml.FieldValue(device, FieldMemoryTemperature) is { } t and > 0 ? (int)t : null,
            TotalEnergyMillijoules = (long?)nvml.DeviceULong("nvmlDeviceGetTotalEnergyConsumption", device),
            PerformanceState = nvml.DeviceInt("nvmlDeviceGetPerformanceState", device) is { } ps and not PstateUnknown ? ps : null,
            ClocksEventReasons = (long?)(nvml.DeviceULong("nvmlDeviceGetCurrentClocksEventReasons", device)
                ?? nvml.DeviceULong("nvmlDeviceGetCurrentClocksThrottleReasons", device)),
            FanSpeedPercent = (int?)nvml.DeviceUInt("nvmlDeviceGetFanSpeed", device),
            EncoderUtilization = (int?)nvml.DevicePair("nvmlDeviceGetEncoderUtilization", device)?.Current,
            DecoderUtilization = (int?)nvml.DevicePair("nvmlDeviceGetDecoderUtilization", device)?.Current,
            PcieLinkGeneration = (int?)nvml.DeviceUInt("nvmlDeviceGetCurrPcieLinkGeneration", device),
            PcieLinkWidth = (int?)nvml.DeviceUInt("nvmlDeviceGetCurrPcieLinkWidth", device),
            PcieReplays = nvml.DeviceUInt("nvmlDeviceGetPcieReplayCounter", device),
            EccCorrectedVolatile = (long?)nvml.EccErrors(device, EccCorrected, EccVolatile),
            EccUncorrectedVolatile = (long?)nvml.EccErrors(device, EccUncorrected, EccVolatile),
            EccCorrectedAggregate = (long?)nvml.EccErrors(device, EccCorrected, EccAggregate),
            EccUncorrectedAggregate = (long?)nvml.EccErrors(device, EccUncorrected, EccAggregate),
            RemappedRowsCorrectable = (int?)remapped?.Correctable,
            RemappedRowsUncorrectable = (int?)remapped?.Uncorrectable,
            RowRemapPending = remapped?.Pending,
            RowRemapFailed = remapped?.Failed,
            NvLinkDataKiB = NvLinkDataKiB(device),
            VgpuLicensed = nvml.VirtualizationMode(device) == VirtualizationVgpuGuest ? nvml.VgpuLicensed(device) : null,
        };
    }

    /// <summary>
    /// NVLink data throughput counters (TX + RX, KiB) summed over the links that are up; null on a GPU with
    /// no active link (PCIe-only boards, NVLink not supported), so no NVLink series appears there.
    /// </summary>
    private long? NvLinkDataKiB(nint device)
    {
        long? total = null;
        for (uint link = 0; link < NvmlLibrary.MaxNvLinks; link++)
        {
            if (nvml.NvLinkActive(device, link) is not true)
            {
                continue;
            }

            var tx = nvml.FieldValue(device, FieldNvLinkDataTx, link);
            var rx = nvml.FieldValue(device, FieldNvLinkDataRx, link);
            if (tx is not null || rx is not null)
            {
                total = (total ?? 0) + (long)(tx ?? 0) + (long)(rx ?? 0);
            }
        }

        return total;
    }

    /// <summary>What a GPU is, read once per handle.</summary>
    private sealed record DeviceIdentity(
        int Index,
        nint Handle,
        string Name,
        string Uuid,
        string? BusId,
        int? MinorNumber,
        int? ComputeCapabilityMajor,
        int? ComputeCapabilityMinor,
        int? MaxMemoryClockMHz,
        int? MemoryBusWidthBits);
}
