using System.Text.RegularExpressions;

namespace Nvsdk.Core.Host.Cdi;

/// <summary>CDI's naming rules for device names (SPEC.md, "CDI Devices").</summary>
internal static partial class CdiNames
{
    /// <summary>Alphanumeric at both ends, dashes, underscores and dots between (a leading digit needs CDI 0.5.0).</summary>
    public static bool IsValidDeviceName(string? name) => name is not null && DeviceName().IsMatch(name);

    [GeneratedRegex(@"^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?$")]
    private static partial Regex DeviceName();
}
