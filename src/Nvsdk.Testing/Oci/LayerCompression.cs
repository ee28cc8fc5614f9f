namespace Nvsdk.Testing.Oci;

/// <summary>How a layer's tar is stored as a blob; <see cref="None"/> makes the blob digest equal the diff_id.</summary>
public enum LayerCompression
{
    None,
    Gzip,
    Zstd,
}
