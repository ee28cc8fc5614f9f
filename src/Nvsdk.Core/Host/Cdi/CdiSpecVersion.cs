namespace Nvsdk.Core.Host.Cdi;

/// <summary>
/// The lowest cdiVersion that accepts a spec, as the CDI library's MinimumRequiredVersion decides it (SPEC.md's
/// version table): a consumer refuses a version it does not know (Podman 4.3 stops at 0.5.0), so a spec must claim
/// only what its fields need, as nvidia-ctk does.
/// </summary>
internal static class CdiSpecVersion
{
    public const string Base = "0.3.0";

    /// <summary>A device name that starts with a digit ("0"), or a device node with a hostPath.</summary>
    public const string DigitNames = "0.5.0";

    /// <summary>Dots in the kind's name segment, or annotations.</summary>
    public const string Annotations = "0.6.0";

    public static string Minimum(CdiSpec spec)
    {
        var nameSegment = spec.Kind[(spec.Kind.IndexOf('/', StringComparison.Ordinal) + 1)..];
        if (nameSegment.Contains('.', StringComparison.Ordinal))
        {
            return Annotations;
        }

        return spec.Devices.Any(d => char.IsAsciiDigit(d.Name[0])) ? DigitNames : Base;
    }
}
