using Nvsdk.Core.Gpu.Host;

namespace Nvsdk.Core.Gpu.Doctor;

/// <summary>Is there a driver, does its kernel module match its user-space library, does it suit the SDK.</summary>
internal static class DriverChecks
{
    public static IEnumerable<Finding> Run(HostSnapshot host)
    {
        var proc = host.File(HostPaths.DriverVersion);
        var kernel = DriverVersion.FromProc(proc) ?? DriverVersion.TryParse(host.File(HostPaths.ModuleVersion));
        var nvmlError = host.Nvml.Error;
        if (proc is null && kernel is null)
        {
            var why = nvmlError is "LIBRARY_NOT_FOUND" or null ? "and no libnvidia-ml" : $"(NVML: {nvmlError})";
            yield return Finding.Fail(
                "driver.loaded",
                $"no NVIDIA kernel driver is loaded (no {HostPaths.DriverVersion}) {why}: this host has no usable NVIDIA GPU",
                "install the NVIDIA driver for this distribution (e.g. Ubuntu: nvidia-driver-590-open) and reboot, or run nvsdk where the GPU is");
            yield break;
        }

        yield return Finding.Ok("driver.loaded", $"NVIDIA kernel module {kernel} loaded");

        var user = DriverVersion.TryParse(host.Nvml.DriverVersion);
        if (nvmlError == "LIB_RM_VERSION_MISMATCH" || (user is { } u && kernel is { } k && u != k))
        {
            yield return Finding.Fail(
                "driver.version-match",
                $"Driver/library version mismatch: kernel module {kernel}, user-space library {user?.ToString() ?? "of another version"} (NVML_ERROR_LIB_RM_VERSION_MISMATCH)",
                "the driver was upgraded but the old module is still loaded: reboot (or stop GPU users and reload the nvidia modules)");
        }
        else if (nvmlError is not null)
        {
            yield return Finding.Fail("driver.nvml", $"NVML cannot talk to the driver: {nvmlError}", NvmlFix(nvmlError));
        }
        else
        {
            yield return Finding.Ok("driver.version-match", $"kernel module and libnvidia-ml agree ({user})");
        }

        foreach (var finding in SdkRequirement(host, kernel ?? user))
        {
            yield return finding;
        }

        yield return ModuleFlavour(host, proc);
    }

    private static string NvmlFix(string error) => error switch
    {
        "LIBRARY_NOT_FOUND" => "libnvidia-ml.so.1 is missing: install the driver's user-space package (e.g. libnvidia-compute-590) matching the kernel module",
        "NO_PERMISSION" => "run as a user allowed to open /dev/nvidia* (group video/render, or root)",
        "GPU_IS_LOST" => "the GPU fell off the bus: check dmesg for Xid errors; a reset or reboot is needed",
        _ => "check `dmesg | grep -i nvrm` and the driver installation",
    };

    private static IEnumerable<Finding> SdkRequirement(HostSnapshot host, DriverVersion? driver)
    {
        if (host.RequiredCudaVersion is not { } cuda)
        {
            yield return Finding.Skip("driver.sdk", "no SDK lock or generation to compare the driver with");
            yield break;
        }

        if (driver is not { } d || CudaDriverRequirements.For(cuda, host.RequiredDriverVersion) is not { } need)
        {
            yield return Finding.Skip("driver.sdk", $"cannot tell which driver CUDA {cuda} needs");
            yield break;
        }

        if (d >= need.Full)
        {
            yield return Finding.Ok("driver.sdk", $"driver {d} fully supports CUDA {cuda} (needs ≥ {need.Full})");
        }
        else if (d >= need.Compatible)
        {
            yield return Finding.Warn(
                "driver.sdk",
                $"driver {d} is older than CUDA {cuda} wants ({need.Full}): CUDA {need.CudaMajor}.x runs by minor-version compatibility (≥ {need.Compatible}) with limited features (no JIT of newer PTX, newer driver APIs unavailable)",
                $"upgrade the driver to ≥ {need.Full} (driver.package in /etc/nvsdk/host.toml), or pin an SDK matching this driver");
        }
        else
        {
            yield return Finding.Fail(
                "driver.sdk",
                $"driver {d} cannot run CUDA {cuda}: CUDA {need.CudaMajor}.x needs ≥ {need.Compatible} (≥ {need.Full} for all features)",
                $"upgrade the driver to ≥ {need.Full}, or install an SDK for an older CUDA (12.x runs on 525–579)");
        }
    }

    private static Finding ModuleFlavour(HostSnapshot host, string? proc)
    {
        var open = proc?.Contains("Open Kernel Module", StringComparison.Ordinal);
        var flavour = open switch { true => "open", false => "proprietary", null => "unknown" };
        var wanted = HostConfigReader.DriverOpen(host.File(HostPaths.HostConfig));
        if (wanted is null || open is null)
        {
            return Finding.Ok("driver.module", $"{flavour} kernel module");
        }

        return wanted == open
            ? Finding.Ok("driver.module", $"{flavour} kernel module, as driver.open = {wanted.Value.ToString().ToLowerInvariant()} wants")
            : Finding.Warn(
                "driver.module",
                $"the {flavour} kernel module is loaded but {HostPaths.HostConfig} says driver.open = {wanted.Value.ToString().ToLowerInvariant()}",
                wanted.Value
                    ? "install the open module package (e.g. nvidia-driver-590-open) and reboot; Turing or newer GPUs only"
                    : "install the proprietary module package and reboot, or set driver.open = true");
    }
}
