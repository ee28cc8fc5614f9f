using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Nvsdk.Core.Errors;

namespace Nvsdk.Core.Oci.Registry;

/// <summary>
/// A client for the OCI distribution API (what Docker Hub, NGC, GHCR and Debian's docker-registry speak).
/// This file: connections, authentication and retries. Anonymous access first; a 401's WWW-Authenticate
/// challenge decides between a bearer token (fetched from the realm for exactly this repository and these
/// actions, with basic credentials if we have any) and basic auth. Tokens are cached per repository and
/// action set. Manifests, blobs, pushes and tags live in the partial files beside it.
/// </summary>
public sealed partial class RegistryClient : IDisposable
{
    private readonly HttpClient http;
    private readonly RegistryClientOptions options;
    private readonly ConcurrentDictionary<string, AuthenticationHeaderValue> authorizations = new(StringComparer.Ordinal);

    public RegistryClient(RegistryClientOptions? options = null, HttpMessageHandler? handler = null)
    {
        this.options = options ?? new RegistryClientOptions();
        handler ??= new SocketsHttpHandler
        {
            ConnectTimeout = this.options.Fetch.StallTimeout,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = Math.Max(4, this.options.Fetch.Parallelism * 2),

            // Blob GETs redirect to object storage; the handler drops our Authorization header on redirects.
            AllowAutoRedirect = true,
        };
        http = new HttpClient(Http.NvsdkHttp.Pipeline(this.options.Fetch, handler)) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public RegistryClientOptions Options => options;

    public void Dispose() => http.Dispose();

    /// <summary>https://registry/v2/, or http:// for loopback and configured insecure registries.</summary>
    public Uri ApiBase(ImageReference image)
    {
        var plain = image.IsLoopback || options.PlainHttp.Contains(image.Registry) || options.PlainHttp.Contains(image.Host);
        return new Uri($"{(plain ? "http" : "https")}://{image.Registry}/v2/");
    }

    internal Uri RepositoryUri(ImageReference image, string path) => new(ApiBase(image), $"{image.Repository}/{path}");

    /// <summary>
    /// Sends a request built by <paramref name="build"/> (called again after a 401, since a request can be
    /// sent once), authenticating on a 401. Retries are the pipeline's (<see cref="Http.RetryHandler"/>): a
    /// failure or a 5xx/429 answer that comes back here has been retried already, uploads included, and is
    /// not retried again. Non-success answers come back to the caller, which knows what a 404 means.
    /// </summary>
    internal async Task<HttpResponseMessage> SendAsync(
        ImageReference image,
        string actions,
        Func<HttpRequestMessage> build,
        CancellationToken cancellationToken,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        var key = $"{image.Registry}|{image.Repository}|{actions}";
        var authenticated = false;
        while (true)
        {
            using var request = build();
            if (authorizations.TryGetValue(key, out var auth))
            {
                request.Headers.Authorization = auth;
            }

            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is HttpRequestException or IOException or TimeoutException or OperationCanceledException)
            {
                throw new RegistryException($"{image.Registry}: {e.Message}", retryable: !IsPermanent(e), innerException: e);
            }

            var status = (int)response.StatusCode;
            if (status == 401 && !authenticated)
            {
                var challenge = AuthChallenge.Parse(response.Headers.WwwAuthenticate.ToString());
                response.Dispose();
                authorizations[key] = await AuthenticateAsync(image, actions, challenge, cancellationToken).ConfigureAwait(false);
                authenticated = true;
                continue;
            }

            if (status == 401 || status == 403)
            {
                response.Dispose();
                var who = options.Credentials(image.Registry) is null ? "anonymously" : "with the credentials found";
                throw new RegistryException(
                    $"{image.Registry}/{image.Repository}: access denied {who} (HTTP {status}); run `docker login {image.Registry}` or set NVSDK_REGISTRY_USERNAME and NVSDK_REGISTRY_PASSWORD",
                    status);
            }

            return response;
        }
    }

    /// <summary>Connection refused or a name that does not resolve will not change on retry.</summary>
    private static bool IsPermanent(Exception e) =>
        e is HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError };

    private async Task<AuthenticationHeaderValue> AuthenticateAsync(ImageReference image, string actions, AuthChallenge? challenge, CancellationToken cancellationToken)
    {
        var credentials = options.Credentials(image.Registry);
        if (challenge is null || challenge.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return credentials is null
                ? throw new RegistryException(
                    $"{image.Registry}/{image.Repository} needs a user name and password; run `docker login {image.Registry}` or set NVSDK_REGISTRY_USERNAME and NVSDK_REGISTRY_PASSWORD",
                    401)
                : new AuthenticationHeaderValue("Basic", credentials.BasicHeader);
        }

        if (!challenge.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) || challenge.Realm is null)
        {
            throw new RegistryException($"{image.Registry}: unsupported authentication scheme '{challenge.Scheme}'", 401);
        }

        var query = new List<string>();
        if (challenge.Service is { } service)
        {
            query.Add("service=" + Uri.EscapeDataString(service));
        }

        query.Add("scope=" + Uri.EscapeDataString($"repository:{image.Repository}:{actions}"));
        var realm = challenge.Realm + (challenge.Realm.Contains('?', StringComparison.Ordinal) ? "&" : "?") + string.Join('&', query);
        using var request = new HttpRequestMessage(HttpMethod.Get, realm);
        if (credentials is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credentials.BasicHeader);
        }

        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stall.CancelAfter(options.Fetch.StallTimeout);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, stall.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new RegistryException($"{image.Registry}: the token service {challenge.Realm} failed: {e.Message}", retryable: true, innerException: e);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new RegistryException(
                    $"{image.Registry}: the token service {challenge.Realm} refused {(credentials is null ? "anonymous access" : "the credentials")} to {image.Repository} (HTTP {(int)response.StatusCode})",
                    (int)response.StatusCode);
            }

            try
            {
                var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                var token = JsonSerializer.Deserialize(body, OciJsonContext.Default.RegistryTokenResponse);
                var value = token?.Token ?? token?.AccessToken;
                return string.IsNullOrEmpty(value)
                    ? throw new RegistryException($"{image.Registry}: the token service answered without a token")
                    : new AuthenticationHeaderValue("Bearer", value);
            }
            catch (JsonException e)
            {
                throw new RegistryException($"{image.Registry}: the token service answered with something that is not JSON", innerException: e);
            }
        }
    }

    /// <summary>One line for an unexpected answer, with the registry's own error message when it sent one.</summary>
    internal static async Task<RegistryException> UnexpectedAsync(ImageReference image, string what, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var detail = string.Empty;
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                detail = ": " + string.Join("; ", errors.EnumerateArray().Select(e => e.TryGetProperty("message", out var m) ? m.GetString() : e.ToString()));
            }
        }
        catch (Exception e) when (e is JsonException or HttpRequestException or IOException)
        {
            // No structured error; the status says enough.
        }

        // The pipeline has retried this already; Retryable only says whether a later run may fare better.
        return new RegistryException($"{image.Registry}/{image.Repository}: {what}: HTTP {status}{detail}", status, retryable: status is 429 or >= 500);
    }
}
