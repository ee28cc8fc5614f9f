using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Nvsdk.Core.Primitives;

/// <summary>A SHA-256 digest, always held as 64 lower-case hex characters.</summary>
public readonly record struct Sha256Digest
{
    private const int HexLength = 64;

    private Sha256Digest(string hex) => Hex = hex;

    /// <summary>The digest as 64 lower-case hex characters.</summary>
    public string Hex { get; }

    /// <summary>The first 32 hex characters: enough to name a store entry without collisions in practice.</summary>
    public string Short => Hex[..32];

    public static Sha256Digest Parse(string text) =>
        TryParse(text, out var digest)
            ? digest
            : throw new FormatException($"'{text}' is not a SHA-256 digest: expected 64 hex characters");

    /// <summary>Accepts 64 hex characters, optionally prefixed with "sha256:" (the OCI spelling).</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Sha256Digest digest)
    {
        digest = default;
        if (text is null)
        {
            return false;
        }

        var hex = text.StartsWith("sha256:", StringComparison.Ordinal) ? text["sha256:".Length..] : text;
        if (hex.Length != HexLength || !hex.All(char.IsAsciiHexDigit))
        {
            return false;
        }

        digest = new Sha256Digest(hex.ToLowerInvariant());
        return true;
    }

    public static Sha256Digest FromHash(ReadOnlySpan<byte> hash)
    {
        if (hash.Length != SHA256.HashSizeInBytes)
        {
            throw new ArgumentException("a SHA-256 hash is 32 bytes", nameof(hash));
        }

        return new Sha256Digest(Convert.ToHexStringLower(hash));
    }

    public static Sha256Digest Of(ReadOnlySpan<byte> data) => FromHash(SHA256.HashData(data));

    /// <summary>The digest of what is left of <paramref name="data"/>, read to its end.</summary>
    public static async Task<Sha256Digest> OfAsync(Stream data, CancellationToken cancellationToken = default) =>
        FromHash(await SHA256.HashDataAsync(data, cancellationToken).ConfigureAwait(false));

    public override string ToString() => Hex ?? string.Empty;
}
