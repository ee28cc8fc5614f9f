using System.Text;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Licenses;

/// <summary>
/// One accepted licence: which (id and the sha256 of the licence's reference text: id, name and upstream URL, as
/// `nvsdk licenses` shows them), when, by which user, and how (`licenses accept`, --accept-licenses,
/// NVSDK_ACCEPT_LICENSES, host.toml). An acceptance whose text hash no longer matches the catalog's (the
/// licence moved or changed) no longer counts: the user is asked again.
/// </summary>
public sealed record LicenseAcceptance(string Id, string TextSha256, DateTimeOffset AcceptedAt, string User, string Via)
{
    public const string ViaCommand = "nvsdk licenses accept";
    public const string ViaFlag = "--accept-licenses";
    public const string ViaEnvironment = "NVSDK_ACCEPT_LICENSES";
    public const string ViaHostConfig = "host.toml acceptLicenses";

    public static LicenseAcceptance Now(LicenseInfo license, string via) =>
        new(license.Id, TextSha256Of(license), DateTimeOffset.UtcNow, CurrentUser(), via);

    /// <summary>The sha256 of what the user is shown and accepts: the licence's id, name and upstream URL.</summary>
    public static string TextSha256Of(LicenseInfo license) =>
        Sha256Digest.Of(Encoding.UTF8.GetBytes($"{license.Id}\n{license.Name}\n{license.Url}\n")).Hex;

    private static string CurrentUser() =>
        Environment.GetEnvironmentVariable("SUDO_USER") is { Length: > 0 } sudo ? $"{Environment.UserName} (via sudo from {sudo})" : Environment.UserName;
}
