using System.Text.RegularExpressions;

namespace Nvsdk.Core.Gpu.Doctor;

/// <summary>
/// The one host.toml option doctor needs (driver.open), read without a TOML model: host setup (its own
/// issue) will own the full parser; doctor must not fail on a config it cannot fully read.
/// </summary>
internal static partial class HostConfigReader
{
    public static bool? DriverOpen(string? toml)
    {
        if (toml is null)
        {
            return null;
        }

        var dotted = DottedPattern().Match(toml);
        if (dotted.Success)
        {
            return dotted.Groups[1].Value == "true";
        }

        var section = SectionPattern().Match(toml);
        return section.Success ? section.Groups[1].Value == "true" : null;
    }

    [GeneratedRegex(@"^\s*driver\.open\s*=\s*(true|false)", RegexOptions.Multiline)]
    private static partial Regex DottedPattern();

    [GeneratedRegex(@"^\s*\[driver\][^\[]*?^\s*open\s*=\s*(true|false)", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex SectionPattern();
}
