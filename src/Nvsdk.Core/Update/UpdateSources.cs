namespace Nvsdk.Core.Update;

/// <summary>
/// Where `update` looks. Every base URL is a setting (flags or NVSDK_*_BASE variables), so tests serve real
/// copies from a local nginx and air-gapped sites can point at an internal mirror of the indexes.
/// </summary>
public sealed record UpdateSources
{
    /// <summary>NVIDIA's compute downloads: &lt;base&gt;/&lt;product&gt;/redist/ holds redistrib_&lt;ver&gt;.json and the archives.</summary>
    public Uri NvidiaBase { get; init; } = new("https://developer.download.nvidia.com/compute/");

    /// <summary>PyPI's JSON API: &lt;base&gt;/pypi/&lt;project&gt;/json.</summary>
    public Uri PyPiBase { get; init; } = new("https://pypi.org/");

    /// <summary>GitHub's REST API (releases) and its web host (tag tarballs).</summary>
    public Uri GitHubApiBase { get; init; } = new("https://api.github.com/");

    public Uri GitHubBase { get; init; } = new("https://github.com/");

    /// <summary>A registry to read nvcr.io's tags and manifests from instead (NVSDK_NGC_REGISTRY: a mirror, or a test registry).</summary>
    public string? NgcRegistry { get; init; }

    /// <summary>How registries are reached (credentials, plain-HTTP hosts, retries).</summary>
    public Oci.Registry.RegistryClientOptions Registry { get; init; } = new();

    public static UpdateSources FromEnvironment()
    {
        var sources = new UpdateSources();
        if (Environment.GetEnvironmentVariable("NVSDK_NVIDIA_BASE") is { Length: > 0 } nvidia)
        {
            sources = sources with { NvidiaBase = Slash(nvidia) };
        }

        if (Environment.GetEnvironmentVariable("NVSDK_PYPI_BASE") is { Length: > 0 } pypi)
        {
            sources = sources with { PyPiBase = Slash(pypi) };
        }

        if (Environment.GetEnvironmentVariable("NVSDK_GITHUB_API_BASE") is { Length: > 0 } api)
        {
            sources = sources with { GitHubApiBase = Slash(api) };
        }

        if (Environment.GetEnvironmentVariable("NVSDK_GITHUB_BASE") is { Length: > 0 } github)
        {
            sources = sources with { GitHubBase = Slash(github) };
        }

        if (Environment.GetEnvironmentVariable("NVSDK_NGC_REGISTRY") is { Length: > 0 } ngc)
        {
            sources = sources with { NgcRegistry = ngc };
        }

        return sources;
    }

    public static Uri Slash(string url) => new(url.EndsWith('/') ? url : url + "/");
}
