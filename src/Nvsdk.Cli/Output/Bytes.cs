using System.Globalization;

namespace Nvsdk.Cli.Output;

internal static class Bytes
{
    /// <summary>1.2 GiB, 340.0 MiB, 12 B — binary units, as du -h and the NVIDIA manifests' sizes suggest.</summary>
    public static string Human(long? bytes)
    {
        if (bytes is not { } b)
        {
            return "unknown";
        }

        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = b;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0 ? $"{b} B" : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {units[unit]}");
    }
}
