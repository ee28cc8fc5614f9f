using System.Net.Http.Headers;
using System.Reflection;

namespace Nvsdk.Core.Platform;

/// <summary>nvsdk's own version, as `--version` prints it; every HTTP request names it in its User-Agent.</summary>
public static class NvsdkVersion
{
    /// <summary>The informational version without the "+commit" build metadata (User-Agent tokens cannot hold '+').</summary>
    public static string Current { get; } =
        (typeof(NvsdkVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0").Split('+')[0];

    public static ProductInfoHeaderValue UserAgent => new("nvsdk", Current);
}
