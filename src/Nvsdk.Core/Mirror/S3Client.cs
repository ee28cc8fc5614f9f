using System.Net;

namespace Nvsdk.Core.Mirror;

/// <summary>
/// The two S3 calls a mirror needs, HEAD and PUT of an object, signed with SigV4 and addressed path-style
/// (`&lt;endpoint&gt;/&lt;bucket&gt;/&lt;key&gt;`), which AWS, R2, MinIO and s3rver accept. A PUT sends the body's
/// SHA-256 as x-amz-content-sha256, so the server rejects bytes that do not match it. Single PUT only:
/// objects over 5 GiB would need multipart upload, which is not implemented. Requests go through nvsdk's one
/// HTTP pipeline (<see cref="Http.NvsdkHttp"/>): its retry policy replays a failed PUT (the body is a
/// <see cref="Http.ReplayableContent"/>), and nothing here retries again.
/// </summary>
internal sealed class S3Client : IDisposable
{
    /// <summary>The largest object S3 accepts in one PUT.</summary>
    public const long MaxSinglePutSize = 5L * 1024 * 1024 * 1024;

    private readonly S3Target target;
    private readonly S3Credentials credentials;
    private readonly HttpClient client;
    private readonly TimeProvider time;

    public S3Client(S3Target target, S3Credentials credentials, HttpMessageHandler? handler = null, TimeProvider? time = null, Fetch.FetchOptions? options = null)
    {
        this.target = target;
        this.credentials = credentials;
        this.time = time ?? TimeProvider.System;
        client = new HttpClient(Http.NvsdkHttp.Pipeline(options ?? new Fetch.FetchOptions(), handler)) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The object's size and x-amz-meta-* headers (names without the prefix), or null if there is none.</summary>
    public async Task<S3ObjectHead?> HeadObjectAsync(string key, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Head, key, null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, "HEAD", key, cancellationToken).ConfigureAwait(false);
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers)
        {
            if (name.StartsWith("x-amz-meta-", StringComparison.OrdinalIgnoreCase))
            {
                metadata[name["x-amz-meta-".Length..].ToLowerInvariant()] = string.Join(',', values);
            }
        }

        return new S3ObjectHead(response.Content.Headers.ContentLength, metadata);
    }

    /// <summary>Uploads a body of known length and SHA-256 with x-amz-meta-* metadata; <paramref name="open"/> is called per attempt.</summary>
    public async Task PutObjectAsync(
        string key,
        Func<Stream> open,
        long length,
        string sha256Hex,
        IReadOnlyDictionary<string, string> metadata,
        CancellationToken cancellationToken = default)
    {
        var put = new PutBody(open, length, sha256Hex, metadata);
        using var response = await SendAsync(HttpMethod.Put, key, put, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "PUT", key, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => client.Dispose();

    /// <summary>The request URL: the endpoint's path, then the bucket, then the key, each segment S3-encoded.</summary>
    internal Uri ObjectUrl(string key)
    {
        var basePath = target.Endpoint.AbsolutePath.TrimEnd('/');
        return new Uri($"{target.Endpoint.Scheme}://{target.Endpoint.Authority}{basePath}/{SigV4.EncodeSegment(target.Bucket)}/{SigV4.EncodeKey(key)}");
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string key, PutBody? body, CancellationToken cancellationToken)
    {
        var url = ObjectUrl(key);
        using var request = Sign(new HttpRequestMessage(method, url), body);
        try
        {
            return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (Http.RetryHandler.SourceFailure(e) is { } inner)
        {
            // The body's own check failed (the store's copy is damaged): not the server's fault, and not retried.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(inner);
            throw;
        }
        catch (HttpRequestException e)
        {
            throw new MirrorException($"{method} {url}: {e.Message.TrimEnd('.')}", e);
        }
    }

    private HttpRequestMessage Sign(HttpRequestMessage request, PutBody? body)
    {
        var now = time.GetUtcNow();
        var payloadHash = body?.Sha256Hex ?? SigV4.EmptyPayloadHash;
        var headers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = request.RequestUri!.Authority,
            ["x-amz-content-sha256"] = payloadHash,
            ["x-amz-date"] = SigV4.AmzDate(now),
        };
        if (credentials.SessionToken is { } token)
        {
            headers["x-amz-security-token"] = token;
        }

        if (body is not null)
        {
            foreach (var (name, value) in body.Metadata)
            {
                headers["x-amz-meta-" + name.ToLowerInvariant()] = value;
            }

            request.Content = new Http.ReplayableContent(body.Open, body.Length);
        }

        foreach (var (name, value) in headers)
        {
            if (name != "host")
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        var canonicalUri = request.RequestUri.AbsolutePath;
        request.Headers.TryAddWithoutValidation(
            "Authorization",
            SigV4.Authorization(credentials, target.Region, "s3", request.Method.Method, canonicalUri, string.Empty, headers, payloadHash, now));
        return request;
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string verb, string key, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = verb == "HEAD" ? string.Empty : await ReadSmallAsync(response, cancellationToken).ConfigureAwait(false);
        var code = Element(body, "Code");
        var message = Element(body, "Message");
        var detail = code is null ? string.Empty : $" {code}" + (message is null ? string.Empty : $": {message}");
        var hint = response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized
            ? " (check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and the bucket's permissions)"
            : string.Empty;
        throw new MirrorException($"{verb} {key}: HTTP {(int)response.StatusCode}{detail}{hint}");
    }

    private static async Task<string> ReadSmallAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            return System.Text.Encoding.UTF8.GetString(buffer, 0, read);
        }
    }

    /// <summary>The text of the first &lt;name&gt;…&lt;/name&gt; of an S3 error document.</summary>
    private static string? Element(string xml, string name)
    {
        var open = xml.IndexOf($"<{name}>", StringComparison.Ordinal);
        if (open < 0)
        {
            return null;
        }

        var start = open + name.Length + 2;
        var close = xml.IndexOf($"</{name}>", start, StringComparison.Ordinal);
        return close < 0 ? null : WebUtility.HtmlDecode(xml[start..close]);
    }

    private sealed record PutBody(Func<Stream> Open, long Length, string Sha256Hex, IReadOnlyDictionary<string, string> Metadata);
}

/// <summary>What a HEAD says about an object.</summary>
internal sealed record S3ObjectHead(long? ContentLength, IReadOnlyDictionary<string, string> Metadata);
