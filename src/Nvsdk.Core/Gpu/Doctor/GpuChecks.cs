using Nvsdk.Core.Gpu.Host;

namespace Nvsdk.Core.Gpu.Doctor;

/// <summary>Per-GPU state: present, persistence (and its daemon), device nodes, MIG and ECC.</summary>
internal static class GpuChecks
{
    public static IEnumerable<Finding> Run(HostSnapshot host)
    {
        var gpus = host.Nvml.Gpus;
        if (host.Nvml.Error is not null)
        {
            yield break; // DriverChecks already said why NVML is unusable
        }

        if (gpus.Count == 0)
        {
            yield return Finding.Fail("gpu.present", "the driver is loaded but reports no GPU", "check `lspci | grep -i nvidia` and dmesg; the GPU may be excluded or fallen off the bus");
            yield break;
        }

        yield return Finding.Ok("gpu.present", $"{gpus.Count} GPU(s): {string.Join(", ", gpus.Select(g => $"{g.Index}: {g.Name}"))}");
        yield return Persistence(host);
        yield return DeviceNodes(host);
        foreach (var gpu in gpus)
        {
            if (gpu.MigPending is { } pending && pending != gpu.MigEnabled)
            {
                yield return Finding.Warn($"gpu.{gpu.Index}.mig", $"GPU {gpu.Index}: MIG mode change pending (now {(gpu.MigEnabled == true ? "on" : "off")})", "reset the GPU or reboot to apply it");
            }
            else
            {
                yield return Finding.Ok($"gpu.{gpu.Index}.mig", $"GPU {gpu.Index}: MIG {(gpu.MigEnabled switch { true => "enabled", false => "disabled", null => "not supported" })}");
            }

            if (gpu.EccEnabled is null)
            {
                yield return Finding.Skip($"gpu.{gpu.Index}.ecc", $"GPU {gpu.Index}: ECC not supported");
            }
            else if (gpu.EccPending is { } eccPending && eccPending != gpu.EccEnabled)
            {
                yield return Finding.Warn($"gpu.{gpu.Index}.ecc", $"GPU {gpu.Index}: ECC change pending (now {(gpu.EccEnabled == true ? "on" : "off")})", "reboot to apply it");
            }
            else if (gpu.EccEnabled == false)
            {
                yield return Finding.Warn($"gpu.{gpu.Index}.ecc", $"GPU {gpu.Index}: ECC is off: memory errors go undetected", "enable it with `nvidia-smi -e 1` and reboot, unless this is deliberate");
            }
            else
            {
                yield return Finding.Ok($"gpu.{gpu.Index}.ecc", $"GPU {gpu.Index}: ECC on");
            }
        }
    }

    private static Finding Persistence(HostSnapshot host)
    {
        var off = host.Nvml.Gpus.Where(g => g.PersistenceMode == false).Select(g => g.Index).ToList();
        var daemon = host.Processes.Contains("nvidia-persistenced");
        if (off.Count > 0)
        {
            return Finding.Warn(
                "gpu.persistence",
                $"persistence mode is off on GPU {string.Join(", ", off)}{(daemon ? string.Empty : " and nvidia-persistenced is not running")}: every first CUDA call re-initialises the GPU (seconds), and containers may fail at start",
                "run nvidia-persistenced (persistenced = true in /etc/nvsdk/host.toml, then `nvsdk host apply`)");
        }

        return daemon
            ? Finding.Ok("gpu.persistence", "persistence mode on for every GPU, kept by nvidia-persistenced")
            : Finding.Warn(
                "gpu.persistence",
                "persistence mode is on but nvidia-persistenced is not running (legacy `nvidia-smi -pm 1`, lost at reboot and deprecated)",
                "run nvidia-persistenced instead (persistenced = true in /etc/nvsdk/host.toml, then `nvsdk host apply`)");
    }

    private static Finding DeviceNodes(HostSnapshot host)
    {
        var needed = new List<string> { "/dev/nvidiactl", "/dev/nvidia-uvm" };
        needed.AddRange(host.Nvml.Gpus.Select(g => $"/dev/nvidia{g.Index}"));
        var present = host.Devices.ToDictionary(d => d.Path, StringComparer.Ordinal);
        var missing = needed.Where(n => !present.ContainsKey(n)).ToList();
        if (missing.Count > 0)
        {
            return Finding.Fail(
                "gpu.devices",
                $"device nodes missing: {string.Join(", ", missing)}",
                missing.Contains("/dev/nvidia-uvm") ? "load nvidia-uvm (`modprobe nvidia-uvm` or run nvidia-modprobe -u -c=0)" : "run `nvidia-modprobe -c=0` (or nvidia-smi once as root) to create them");
        }

        var closed = needed.Where(n => present[n].Mode.Length > 0 && (Convert.ToInt32(present[n].Mode, 8) & 0b110) != 0b110 && (Convert.ToInt32(present[n].Mode, 8) & 0b110_000) != 0b110_000).ToList();
        return closed.Count > 0
            ? Finding.Warn("gpu.devices", $"{string.Join(", ", closed)} can be opened by root only", "give users access (udev rule with MODE=0666, or a group such as video with MODE=0660)")
            : Finding.Ok("gpu.devices", $"device nodes present and open to users ({string.Join(", ", needed)})");
    }
}
