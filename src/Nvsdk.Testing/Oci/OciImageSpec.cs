using System.Formats.Tar;

namespace Nvsdk.Testing.Oci;

/// <summary>Which family of media types a manifest, its config, its layers and an index above it use.</summary>
public enum ManifestFormat
{
    /// <summary>OCI image spec: image.manifest.v1, image.index.v1, layer.v1.tar[+gzip|+zstd].</summary>
    Oci,

    /// <summary>Docker v2 schema 2: distribution.manifest.v2, manifest.list.v2, rootfs.diff.tar.gzip (no zstd).</summary>
    Docker,
}

/// <summary>One layer to build: its tar members, in order, and how the tar is compressed.</summary>
public sealed record OciLayerSpec(IReadOnlyList<LayerEntry> Entries)
{
    public LayerCompression Compression { get; init; } = LayerCompression.Gzip;

    /// <summary>
    /// GNU by default: long names and large sizes without extended headers, and reproducible. .NET names each
    /// pax extended header "PaxHeaders.&lt;pid&gt;/…", so a pax layer's digests change from one process to the next.
    /// </summary>
    public TarEntryFormat TarFormat { get; init; } = TarEntryFormat.Gnu;

    /// <summary>The history entry's created_by; a default names the layer's position.</summary>
    public string? CreatedBy { get; init; }
}

/// <summary>One image (one platform): its layers bottom first, and the platform its config declares.</summary>
public sealed record OciImageSpec(IReadOnlyList<OciLayerSpec> Layers)
{
    public string Architecture { get; init; } = "amd64";

    public string Os { get; init; } = "linux";

    /// <summary>E.g. "v8" for arm64; written to the config and to the index's platform when set.</summary>
    public string? Variant { get; init; }

    public ManifestFormat Format { get; init; } = ManifestFormat.Oci;

    /// <summary>config.Env, e.g. CUDA_VERSION=13.1.0 as NGC images declare it.</summary>
    public IReadOnlyList<string>? Env { get; init; }

    /// <summary>Manifest annotations (OCI only: Docker schema 2 has none).</summary>
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}
