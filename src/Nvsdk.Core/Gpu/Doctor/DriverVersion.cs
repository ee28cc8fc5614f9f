using System.Globalization;
using System.Text.RegularExpressions;

namespace Nvsdk.Core.Gpu.Doctor;

/// <summary>An NVIDIA driver version (580.159.04), compared numerically part by part.</summary>
public readonly partial record struct DriverVersion(int Major, int Minor, int Patch) : IComparable<DriverVersion>
{
    public static DriverVersion? TryParse(string? text)
    {
        if (text is null || VersionPattern().Match(text) is not { Success: true } m)
        {
            return null;
        }

        int Part(int i) => m.Groups[i].Success ? int.Parse(m.Groups[i].Value, CultureInfo.InvariantCulture) : 0;
        return new DriverVersion(Part(1), Part(2), Part(3));
    }

    /// <summary>The version in /proc/driver/nvidia/version ("… Kernel Module for x86_64  580.159.04  Release Build …").</summary>
    public static DriverVersion? FromProc(string? text) =>
        text is not null && ProcPattern().Match(text) is { Success: true } m ? TryParse(m.Groups[1].Value) : null;

    public int CompareTo(DriverVersion other) =>
        Major != other.Major ? Major.CompareTo(other.Major) : Minor != other.Minor ? Minor.CompareTo(other.Minor) : Patch.CompareTo(other.Patch);

    public static bool operator <(DriverVersion a, DriverVersion b) => a.CompareTo(b) < 0;

    public static bool operator >(DriverVersion a, DriverVersion b) => a.CompareTo(b) > 0;

    public static bool operator <=(DriverVersion a, DriverVersion b) => a.CompareTo(b) <= 0;

    public static bool operator >=(DriverVersion a, DriverVersion b) => a.CompareTo(b) >= 0;

    public override string ToString() => Patch == 0 && Minor == 0 ? $"{Major}" : $"{Major}.{Minor:D2}.{Patch:D2}";

    [GeneratedRegex(@"(\d+)(?:\.(\d+))?(?:\.(\d+))?")]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"Kernel Module(?: for \S+)?\s+(\d+\.\d+(?:\.\d+)?)")]
    private static partial Regex ProcPattern();
}
