namespace Nvsdk.Core.Primitives;

/// <summary>How an artifact is packed; decides which unpacker handles it.</summary>
public enum ArtifactFormat
{
    TarXz,
    TarGz,
    Wheel,
    Zip,
    Makeself,
    OciImage,
}

public static class ArtifactFormatNames
{
    private static readonly (ArtifactFormat Format, string Name)[] Names =
    [
        (ArtifactFormat.TarXz, "tar.xz"),
        (ArtifactFormat.TarGz, "tar.gz"),
        (ArtifactFormat.Wheel, "wheel"),
        (ArtifactFormat.Zip, "zip"),
        (ArtifactFormat.Makeself, "makeself"),
        (ArtifactFormat.OciImage, "oci-image"),
    ];

    /// <summary>The spelling used in the lock file.</summary>
    public static string ToLockName(this ArtifactFormat format) =>
        Array.Find(Names, n => n.Format == format).Name;

    public static bool TryParse(string? text, out ArtifactFormat format)
    {
        foreach (var (f, name) in Names)
        {
            if (string.Equals(name, text, StringComparison.Ordinal))
            {
                format = f;
                return true;
            }
        }

        format = default;
        return false;
    }

    public static string Known => string.Join(", ", Names.Select(n => n.Name));
}
