using Nvsdk.Core.Gpu.Host;
using Nvsdk.Core.Host.Config;

namespace Nvsdk.Core.Gpu.Doctor;

/// <summary>
/// The one host.toml option doctor needs (driver.open), read by host setup's parser; doctor must not fail on a config
/// it cannot read, so an invalid file gives null (host plan is where its errors are reported).
/// </summary>
internal static class HostConfigReader
{
    public static bool? DriverOpen(string? toml)
    {
        if (toml is null)
        {
            return null;
        }

        try
        {
            return HostConfigParser.Parse(HostPaths.HostConfig, toml).DriverOpen;
        }
        catch (Errors.UsageException)
        {
            return null;
        }
    }
}
