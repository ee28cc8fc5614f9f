using System.Text.Json;
using System.Text.Json.Nodes;
using Nvsdk.Core.Gpu.Host;

namespace Nvsdk.Core.Gpu.Doctor;

/// <summary>Can containers see the GPUs: a CDI spec matching them (by UUID), and Docker's features.cdi.</summary>
internal static class ContainerChecks
{
    public static IEnumerable<Finding> Run(HostSnapshot host)
    {
        yield return Cdi(host);
        yield return Docker(host);
    }

    private static Finding Cdi(HostSnapshot host)
    {
        var path = host.File(HostPaths.CdiEtc) is not null ? HostPaths.CdiEtc : host.File(HostPaths.CdiRun) is not null ? HostPaths.CdiRun : null;
        if (path is null)
        {
            return Finding.Warn(
                "container.cdi",
                "no CDI spec (/etc/cdi/nvidia.yaml): Docker and Podman cannot give containers the GPUs with --device nvidia.com/gpu=…",
                "container.enable = true in /etc/nvsdk/host.toml, then `nvsdk host apply` (or `nvidia-ctk cdi generate --output=/etc/cdi/nvidia.yaml`)");
        }

        var (kind, devices, error) = CdiSpecReader.Read(host.File(path)!);
        if (error is not null || kind != "nvidia.com/gpu")
        {
            return Finding.Fail("container.cdi", $"{path} is not a valid CDI spec for nvidia.com/gpu ({error ?? $"kind {kind}"})", "regenerate it with `nvsdk host apply`");
        }

        var names = devices.ToHashSet(StringComparer.Ordinal);
        var stale = devices.Where(d => d.StartsWith("GPU-", StringComparison.Ordinal) && host.Nvml.Gpus.All(g => g.Uuid != d)).ToList();
        var missing = host.Nvml.Gpus.Where(g => !names.Contains(g.Uuid) && !names.Contains(g.Index.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
        if (stale.Count > 0 || missing.Count > 0)
        {
            var what = stale.Count > 0 ? $"names GPU(s) this host does not have ({string.Join(", ", stale)})" : $"lacks GPU(s) {string.Join(", ", missing.Select(g => g.Uuid))}";
            return Finding.Fail("container.cdi", $"{path} {what}: containers asking for them fail to start", "regenerate it after any GPU change: `nvsdk host apply`");
        }

        return Finding.Ok("container.cdi", $"{path}: {devices.Count} devices, matching this host's GPUs");
    }

    private static Finding Docker(HostSnapshot host)
    {
        if (!host.DockerInstalled)
        {
            return Finding.Skip("container.docker", "Docker is not installed");
        }

        var text = host.File(HostPaths.DockerDaemon);
        bool? cdi = null;
        if (text is not null)
        {
            try
            {
                cdi = JsonNode.Parse(text)?["features"]?["cdi"]?.GetValue<bool>();
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                return Finding.Fail("container.docker", $"{HostPaths.DockerDaemon} is not valid JSON: {e.Message}", "fix the file; dockerd refuses to start with it");
            }
        }

        return cdi == true
            ? Finding.Ok("container.docker", "Docker has features.cdi enabled")
            : Finding.Warn(
                "container.docker",
                $"Docker is installed but {HostPaths.DockerDaemon} does not enable features.cdi: `docker run --device nvidia.com/gpu=all` will not work",
                "`nvsdk host apply` (container.enable) sets \"features\": {\"cdi\": true} keeping your other keys; then restart dockerd");
    }
}
