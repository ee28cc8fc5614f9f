using System.Security.Cryptography;
using System.Text;
using Nvsdk.Core.Errors;

namespace Nvsdk.Core.Cache;

/// <summary>
/// A binary-cache signing key, Nix-style `name:base64` text: the secret file holds the PKCS#8 private key,
/// the public file the SubjectPublicKeyInfo. ECDSA P-256 with SHA-256, from the platform's crypto library
/// (OpenSSL on Linux) so nothing extra ships and NativeAOT stays clean.
/// </summary>
public sealed class CacheSigningKey : IDisposable
{
    private readonly ECDsa key;

    private CacheSigningKey(string name, ECDsa key)
    {
        Name = name;
        this.key = key;
    }

    public string Name { get; }

    public TrustedKey PublicKey => new(Name, key.ExportSubjectPublicKeyInfo());

    public static CacheSigningKey Generate(string name)
    {
        KeyName.Check(name);
        return new CacheSigningKey(name, ECDsa.Create(ECCurve.NamedCurves.nistP256));
    }

    /// <summary>Writes the secret key (mode 0600, never over an existing file) and the public key beside it.</summary>
    public void Save(string secretPath, string publicPath)
    {
        foreach (var path in new[] { secretPath, publicPath })
        {
            if (File.Exists(path))
            {
                throw new UsageException($"{path} exists; keys are never overwritten (move it away or pick another path)");
            }
        }

        var secret = $"{Name}:{Convert.ToBase64String(key.ExportPkcs8PrivateKey())}\n";
        using (var stream = new FileStream(secretPath, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
        {
            stream.Write(Encoding.UTF8.GetBytes(secret));
        }

        File.WriteAllText(publicPath, PublicKey + "\n");
    }

    public static CacheSigningKey Load(string secretPath)
    {
        string text;
        try
        {
            text = File.ReadAllText(secretPath).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read the signing key {secretPath} ({e.Message.TrimEnd('.')}); create one with `nvsdk cache keygen NAME`");
        }

        var (name, bytes) = KeyName.Split(text, secretPath);
        var key = ECDsa.Create();
        try
        {
            key.ImportPkcs8PrivateKey(bytes, out _);
        }
        catch (CryptographicException e)
        {
            key.Dispose();
            throw new UsageException($"{secretPath} is not an nvsdk signing key ({e.Message.TrimEnd('.')})");
        }

        return new CacheSigningKey(name, key);
    }

    /// <summary>Signs the payload; the result is `name:base64` of the IEEE P1363 signature.</summary>
    public string Sign(ReadOnlySpan<byte> payload) =>
        $"{Name}:{Convert.ToBase64String(key.SignData(payload, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))}";

    public void Dispose() => key.Dispose();
}

/// <summary>A public key a host trusts: only entries signed by one of these are accepted from a cache.</summary>
public sealed record TrustedKey(string Name, byte[] SubjectPublicKeyInfo)
{
    public static TrustedKey Parse(string text, string where)
    {
        var (name, bytes) = KeyName.Split(text.Trim(), where);
        using var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(bytes, out _);
        }
        catch (CryptographicException e)
        {
            throw new UsageException($"{where}: not an nvsdk public key ({e.Message.TrimEnd('.')}); it is the .pub file `nvsdk cache keygen` wrote");
        }

        return new TrustedKey(name, bytes);
    }

    /// <summary>Reads a key from a .pub file, or takes the text itself when it is not a file.</summary>
    public static TrustedKey FromFileOrText(string value) =>
        File.Exists(value) ? Parse(File.ReadAllText(value), value) : Parse(value, "the trusted key");

    public bool Verifies(ReadOnlySpan<byte> payload, byte[] signature)
    {
        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(SubjectPublicKeyInfo, out _);
        return key.VerifyData(payload, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    public override string ToString() => $"{Name}:{Convert.ToBase64String(SubjectPublicKeyInfo)}";
}

internal static class KeyName
{
    public static void Check(string name)
    {
        if (name.Length == 0 || name.Length > 100 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
        {
            throw new UsageException($"'{name}' is not a key name; use letters, digits, '.', '-' and '_' (for example cache.example.org-1)");
        }
    }

    public static (string Name, byte[] Bytes) Split(string text, string where)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw new UsageException($"{where}: expected NAME:BASE64 as `nvsdk cache keygen` writes it");
        }

        try
        {
            return (text[..colon], Convert.FromBase64String(text[(colon + 1)..]));
        }
        catch (FormatException)
        {
            throw new UsageException($"{where}: the part after '{text[..colon]}:' is not base64");
        }
    }
}
