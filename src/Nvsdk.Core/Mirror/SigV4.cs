using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Nvsdk.Core.Mirror;

/// <summary>
/// AWS Signature Version 4 for S3 requests signed in the Authorization header: canonical request → string to
/// sign → HMAC chain (date, region, service, "aws4_request") → signature. Headers are passed with lower-case
/// names; every header passed is signed.
/// </summary>
internal static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>The SHA-256 of an empty body, which GET and HEAD requests sign.</summary>
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>The value of the Authorization header for a request.</summary>
    public static string Authorization(
        S3Credentials credentials,
        string region,
        string service,
        string method,
        string canonicalUri,
        string canonicalQuery,
        IReadOnlyDictionary<string, string> headers,
        string payloadHash,
        DateTimeOffset time)
    {
        var date = time.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var scope = $"{date}/{region}/{service}/aws4_request";
        var signedHeaders = SignedHeaders(headers);
        var canonical = CanonicalRequest(method, canonicalUri, canonicalQuery, headers, payloadHash);
        var toSign = StringToSign(time, scope, canonical);
        var key = SigningKey(credentials.SecretAccessKey, date, region, service);
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(toSign)));
        return $"{Algorithm} Credential={credentials.AccessKeyId}/{scope},SignedHeaders={signedHeaders},Signature={signature}";
    }

    public static string CanonicalRequest(string method, string canonicalUri, string canonicalQuery, IReadOnlyDictionary<string, string> headers, string payloadHash)
    {
        var builder = new StringBuilder();
        builder.Append(method).Append('\n').Append(canonicalUri).Append('\n').Append(canonicalQuery).Append('\n');
        foreach (var (name, value) in headers.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            builder.Append(name).Append(':').Append(value.Trim()).Append('\n');
        }

        return builder.Append('\n').Append(SignedHeaders(headers)).Append('\n').Append(payloadHash).ToString();
    }

    public static string StringToSign(DateTimeOffset time, string scope, string canonicalRequest) =>
        $"{Algorithm}\n{AmzDate(time)}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";

    public static byte[] SigningKey(string secret, string date, string region, string service)
    {
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secret), Encoding.UTF8.GetBytes(date));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(key, "aws4_request"u8);
    }

    /// <summary>The x-amz-date form of a time: 20130524T000000Z.</summary>
    public static string AmzDate(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>S3's URI encoding of a key: every byte but A-Z a-z 0-9 - . _ ~ is %XX; '/' separates segments.</summary>
    public static string EncodeKey(string key) => string.Join('/', key.Split('/').Select(EncodeSegment));

    public static string EncodeSegment(string segment)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(segment))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static string SignedHeaders(IReadOnlyDictionary<string, string> headers) =>
        string.Join(';', headers.Keys.OrderBy(k => k, StringComparer.Ordinal));
}
