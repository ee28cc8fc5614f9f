namespace Nvsdk.Core.Gpu.Nvml;

/// <summary>Reads an <see cref="NvmlReport"/> from the live driver; never throws for a missing or broken driver.</summary>
public static class NvmlReader
{
    private const uint TemperatureGpu = 0;
    private const uint ClockMemory = 2;

    public static NvmlReport Read(Func<int, string?>? processName = null)
    {
        var nvml = NvmlLibrary.TryLoad();
        if (nvml is null)
        {
            return new NvmlReport { Error = "LIBRARY_NOT_FOUND" };
        }

        var init = nvml.Init();
        if (init != NvmlLibrary.Success)
        {
            return new NvmlReport { Error = NvmlLibrary.Name(init) };
        }

        try
        {
            nvml.String("nvmlSystemGetDriverVersion", out var driver);
            nvml.String("nvmlSystemGetNVMLVersion", out var nvmlVersion);
            var cuda = nvml.SystemInt("nvmlSystemGetCudaDriverVersion_v2", out var cudaVersion) == NvmlLibrary.Success ? cudaVersion : (int?)null;
            var count = nvml.DeviceCount(out var n);
            if (count != NvmlLibrary.Success)
            {
                return new NvmlReport { Error = NvmlLibrary.Name(count), DriverVersion = driver, CudaDriverVersion = cuda, NvmlVersion = nvmlVersion };
            }

            var gpus = new List<GpuReport>();
            for (uint i = 0; i < n; i++)
            {
                if (nvml.Device(i, out var device) == NvmlLibrary.Success)
                {
                    gpus.Add(ReadGpu(nvml, (int)i, device, processName));
                }
            }

            return new NvmlReport { DriverVersion = driver, CudaDriverVersion = cuda, NvmlVersion = nvmlVersion, Gpus = gpus };
        }
        finally
        {
            nvml.Shutdown();
        }
    }

    private static GpuReport ReadGpu(NvmlLibrary nvml, int index, nint device, Func<int, string?>? processName)
    {
        nvml.DeviceString("nvmlDeviceGetName", device, out var name);
        nvml.DeviceString("nvmlDeviceGetUUID", device, out var uuid);
        var mig = nvml.DevicePair("nvmlDeviceGetMigMode", device);
        var ecc = nvml.DevicePair("nvmlDeviceGetEccMode", device);
        var memory = nvml.Memory(device);
        var utilization = nvml.Utilization(device);
        var cc = nvml.ComputeCapability(device);
        return new GpuReport
        {
            Index = index,
            Name = name ?? "unknown GPU",
            Uuid = uuid ?? string.Empty,
            BusId = nvml.PciBusId(device),
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
            UtilizationGpu = (int?)utilization?.Gpu,
            UtilizationMemory = (int?)utilization?.Memory,
            ComputeCapabilityMajor = cc?.Major,
            ComputeCapabilityMinor = cc?.Minor,
            MaxMemoryClockMHz = (int?)nvml.DeviceUIntArg("nvmlDeviceGetMaxClockInfo", device, ClockMemory),
            MemoryBusWidthBits = (int?)nvml.DeviceUInt("nvmlDeviceGetMemoryBusWidth", device),
            Processes = nvml.ComputeProcesses(device).Select(p => new GpuProcess(p.Pid, processName?.Invoke(p.Pid), (long)p.UsedMemory)).ToList(),
        };
    }
}
