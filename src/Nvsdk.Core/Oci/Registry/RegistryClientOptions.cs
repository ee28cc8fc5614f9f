using Nvsdk.Core.Fetch;

namespace Nvsdk.Core.Oci.Registry;

/// <summary>How the registry client connects, authenticates and retries.</summary>
public sealed record RegistryClientOptions
{
    /// <summary>Retries, back-off and stall timeouts, shared with artifact downloads.</summary>
    public FetchOptions Fetch { get; init; } = new();

    /// <summary>Credentials per registry host; the default looks in the environment and the Docker/Podman auth files.</summary>
    public Func<string, RegistryCredentials?> Credentials { get; init; } = RegistryCredentials.Find;

    /// <summary>
    /// Registries spoken to over plain HTTP besides loopback ones (NVSDK_INSECURE_REGISTRIES, comma-separated),
    /// as Docker's insecure-registries setting. Everything else is HTTPS.
    /// </summary>
    public IReadOnlySet<string> PlainHttp { get; init; } = ParseList(Environment.GetEnvironmentVariable("NVSDK_INSECURE_REGISTRIES"));

    /// <summary>Manifests larger than this are refused (the distribution spec suggests 4 MiB).</summary>
    public int MaxManifestBytes { get; init; } = 4 << 20;

    private static HashSet<string> ParseList(string? text) =>
        (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
}
