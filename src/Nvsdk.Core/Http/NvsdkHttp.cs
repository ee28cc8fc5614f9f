using System.Net;
using System.Net.Http.Headers;
using Nvsdk.Core.Fetch;

namespace Nvsdk.Core.Http;

/// <summary>
/// nvsdk's one HTTP pipeline, like go-containerregistry's transport layers: user agent → (the caller's
/// authentication, which needs the response to a first try) → <see cref="RetryHandler"/> (the one retry
/// policy) → <see cref="StallTimeoutHandler"/> (every body read must progress) → the socket. Cancellation is
/// the caller's token all the way down.
/// </summary>
public static class NvsdkHttp
{
    public static readonly ProductInfoHeaderValue UserAgent = Platform.NvsdkVersion.UserAgent;

    /// <summary>The handler chain over <paramref name="socket"/> (a fresh SocketsHttpHandler when null).</summary>
    public static HttpMessageHandler Pipeline(FetchOptions options, HttpMessageHandler? socket = null) =>
        new UserAgentHandler
        {
            InnerHandler = new RetryHandler(options)
            {
                InnerHandler = new StallTimeoutHandler(options.StallTimeout)
                {
                    InnerHandler = socket ?? new SocketsHttpHandler
                    {
                        ConnectTimeout = options.StallTimeout,
                        AutomaticDecompression = DecompressionMethods.None,
                        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                    },
                },
            },
        };

    /// <summary>Names nvsdk on every request, whoever built it.</summary>
    private sealed class UserAgentHandler : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Headers.UserAgent.Count == 0)
            {
                request.Headers.UserAgent.Add(UserAgent);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
