using System.Security.Cryptography;

namespace Nvsdk.Testing.Oci;

/// <summary>"sha256:" and the lower-case hex SHA-256, the form OCI digests take.</summary>
public static class OciDigest
{
    public static string OfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Of(stream);
    }

    public static string Of(Stream stream) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(stream));

    public static string Of(ReadOnlySpan<byte> bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
}
