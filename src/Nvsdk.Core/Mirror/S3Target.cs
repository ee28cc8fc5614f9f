using Nvsdk.Core.Errors;

namespace Nvsdk.Core.Mirror;

/// <summary>
/// A bucket and key prefix at an S3-compatible endpoint, with the region to sign for. Parsed from
/// `s3://BUCKET/PREFIX` and the endpoint; R2's endpoints sign for region "auto".
/// </summary>
public sealed record S3Target(Uri Endpoint, string Bucket, string Prefix, string Region)
{
    /// <summary>
    /// Parses `s3://BUCKET[/PREFIX]`. The endpoint is <paramref name="endpoint"/>, else AWS_ENDPOINT_URL_S3 or
    /// AWS_ENDPOINT_URL, else AWS's own for the region; the region is AWS_REGION, else "auto" for R2, else us-east-1.
    /// </summary>
    public static S3Target Parse(string to, string? endpoint, bool r2, Func<string, string?> env)
    {
        if (!to.StartsWith("s3://", StringComparison.Ordinal))
        {
            throw new UsageException($"'{to}' is not an s3://BUCKET/PREFIX URL");
        }

        var rest = to["s3://".Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? string.Empty : rest[(slash + 1)..].Trim('/');
        if (bucket.Length == 0 || !bucket.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.' or '_'))
        {
            throw new UsageException($"'{bucket}' in '{to}' is not a bucket name (lower-case letters, digits, '-', '.')", "write --to s3://BUCKET/PREFIX");
        }

        if (prefix.Split('/').Any(s => s is "." or "..") || prefix.Contains("//", StringComparison.Ordinal))
        {
            throw new UsageException($"the key prefix '{prefix}' in '{to}' has an empty, '.' or '..' segment");
        }

        var endpointText = NonEmpty(endpoint) ?? NonEmpty(env("AWS_ENDPOINT_URL_S3")) ?? NonEmpty(env("AWS_ENDPOINT_URL"));
        var isR2 = r2 || (endpointText?.Contains(".r2.cloudflarestorage.com", StringComparison.OrdinalIgnoreCase) ?? false);
        var region = NonEmpty(env("AWS_REGION")) ?? NonEmpty(env("AWS_DEFAULT_REGION")) ?? (isR2 ? "auto" : "us-east-1");
        endpointText ??= $"https://s3.{region}.amazonaws.com";
        if (!Uri.TryCreate(endpointText, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http") || url.Query.Length > 0)
        {
            throw new UsageException($"'{endpointText}' is not an http(s) endpoint URL", "pass --endpoint https://ACCOUNT.r2.cloudflarestorage.com (or your S3 server)");
        }

        return new S3Target(url, bucket, prefix, region);
    }

    /// <summary>The object key for a mirror key: prefix/key.</summary>
    public string ObjectKey(string key) => Prefix.Length == 0 ? key : $"{Prefix}/{key}";

    /// <summary>Path-style URL of the prefix: `&lt;endpoint&gt;/&lt;bucket&gt;/&lt;prefix&gt;/`.</summary>
    public Uri BaseUrl
    {
        get
        {
            var path = $"{Endpoint.AbsolutePath.TrimEnd('/')}/{SigV4.EncodeSegment(Bucket)}/";
            if (Prefix.Length > 0)
            {
                path += SigV4.EncodeKey(Prefix) + "/";
            }

            return new Uri($"{Endpoint.Scheme}://{Endpoint.Authority}{path}");
        }
    }

    public override string ToString() => Prefix.Length == 0 ? $"s3://{Bucket}" : $"s3://{Bucket}/{Prefix}";

    private static string? NonEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;
}
