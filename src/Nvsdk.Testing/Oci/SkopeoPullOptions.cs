namespace Nvsdk.Testing.Oci;

/// <summary>Which image(s) <see cref="Skopeo.CopyFromRegistryAsync(DockerRegistryServer, string, string, string, string, SkopeoPullOptions?)"/> takes from an index.</summary>
public sealed record SkopeoPullOptions
{
    /// <summary>--all: the index and every image in it; otherwise only the one image for the platform below.</summary>
    public bool All { get; init; }

    /// <summary>--override-arch (e.g. "arm64"); null picks the machine's own architecture.</summary>
    public string? Architecture { get; init; }

    /// <summary>--override-variant (e.g. "v8").</summary>
    public string? Variant { get; init; }

    /// <summary>--preserve-digests: fail rather than rewrite a manifest, so the layout holds the registry's bytes.</summary>
    public bool PreserveDigests { get; init; } = true;
}
