using Nvsdk.Core.Errors;

namespace Nvsdk.Core.Licenses;

/// <summary>The ways a licence can be accepted for one command, besides the root's record.</summary>
/// <param name="Flag">--accept-licenses on the command line: every licence of what it installs.</param>
/// <param name="Environment">NVSDK_ACCEPT_LICENSES: "1"/"true"/"all" for every licence, or ids separated by commas.</param>
/// <param name="HostConfig">host.toml's acceptLicenses: "all", or ids.</param>
public sealed record LicenseConsent(bool Flag = false, string? Environment = null, IReadOnlyList<string>? HostConfig = null)
{
    public const string EnvironmentVariable = "NVSDK_ACCEPT_LICENSES";

    internal bool EnvironmentAccepts(string id) => Names(Environment?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries), id, "1", "true", "yes", "all");

    internal bool HostConfigAccepts(string id) => Names(HostConfig, id, "all");

    private static bool Names(IEnumerable<string>? values, string id, params string[] everything) =>
        values?.Any(v => string.Equals(v, id, StringComparison.OrdinalIgnoreCase) || everything.Contains(v, StringComparer.OrdinalIgnoreCase)) == true;
}

/// <summary>A licence of an install and the acceptance it went ahead under (null for an open licence).</summary>
public sealed record LicenseGrant(LicenseRequirement Requirement, LicenseAcceptance? Acceptance);

/// <summary>
/// `install` and `fetch` ask this before they download anything: is every proprietary licence of what they
/// would install accepted (recorded for the root, or consented to for this command)? Pure: it writes nothing.
/// </summary>
public static class LicenseGate
{
    public static IReadOnlyList<LicenseGrant> Check(IReadOnlyList<LicenseRequirement> required, IReadOnlyList<LicenseAcceptance> recorded, LicenseConsent consent)
    {
        var grants = new List<LicenseGrant>();
        var missing = new List<LicenseRequirement>();
        foreach (var requirement in required)
        {
            var license = requirement.License;
            if (!license.Proprietary)
            {
                grants.Add(new LicenseGrant(requirement, null));
                continue;
            }

            var acceptance = recorded.FirstOrDefault(a => a.Id == license.Id && a.TextSha256 == LicenseAcceptance.TextSha256Of(license))
                ?? (consent.Flag ? LicenseAcceptance.Now(license, LicenseAcceptance.ViaFlag)
                : consent.EnvironmentAccepts(license.Id) ? LicenseAcceptance.Now(license, LicenseAcceptance.ViaEnvironment)
                : consent.HostConfigAccepts(license.Id) ? LicenseAcceptance.Now(license, LicenseAcceptance.ViaHostConfig)
                : null);
            if (acceptance is null)
            {
                missing.Add(requirement);
            }
            else
            {
                grants.Add(new LicenseGrant(requirement, acceptance));
            }
        }

        return missing.Count == 0 ? grants : throw new LicenseNotAcceptedException(missing);
    }
}

/// <summary>A proprietary licence of what would be installed is not accepted: nothing was downloaded.</summary>
public sealed class LicenseNotAcceptedException : NvsdkException
{
    public LicenseNotAcceptedException(IReadOnlyList<LicenseRequirement> missing)
        : base(ErrorCode.InvalidInput, "licences not accepted, nothing downloaded: " + string.Join("; ", missing.Select(Describe)))
    {
        Missing = missing;
        Hint = $"read them (`nvsdk licenses`), then accept once for this root with `nvsdk licenses accept {string.Join(' ', missing.Select(m => m.License.Id))}` (or --all), "
            + $"or for one command with --accept-licenses, or in CI with {LicenseConsent.EnvironmentVariable}=1, or for the host with acceptLicenses = true in /etc/nvsdk/host.toml";
    }

    public IReadOnlyList<LicenseRequirement> Missing { get; }

    private static string Describe(LicenseRequirement m) =>
        $"{m.License.Id} ({m.License.Name}, for {string.Join(", ", m.Components)}{(m.License.Url is { } url ? ": " + url : string.Empty)})";
}
