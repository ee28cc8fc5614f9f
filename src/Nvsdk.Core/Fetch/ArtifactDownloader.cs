using System.Net;
using System.Net.Http.Headers;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Http;
using Nvsdk.Core.LockFile;

namespace Nvsdk.Core.Fetch;

/// <summary>
/// Downloads one artifact into a partial file, trying its sources in order (a mirror first): each source is
/// one <see cref="ResumableDownload"/> over nvsdk's HTTP pipeline, whose one retry policy handles 5xx, 429,
/// stalls and resets (and reports each retry); what still fails moves on to the next source, as do 404/410
/// and other client errors at once. A digest mismatch deletes the partial file first. The hash decides,
/// not the source, so a partial file from one source may be finished from another.
/// </summary>
public sealed class ArtifactDownloader : IDisposable
{
    private readonly HttpClient client;
    private readonly ResumableDownload download;

    public ArtifactDownloader(FetchOptions options, HttpMessageHandler? handler = null)
    {
        handler ??= new SocketsHttpHandler
        {
            ConnectTimeout = options.StallTimeout,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = Math.Max(2, options.Parallelism),
        };
        client = new HttpClient(NvsdkHttp.Pipeline(options, handler)) { Timeout = Timeout.InfiniteTimeSpan };
        // No fsync per archive: it becomes durable with the store entry it is moved into (that entry's syncfs, or
        // its install's one batched flush), and a .part is re-hashed whole when resumed.
        download = new ResumableDownload(options, flushToDisk: false);
    }

    public async Task<DownloadResult> DownloadAsync(
        Artifact artifact,
        string partialPath,
        Action<FetchEvent>? report = null,
        CancellationToken cancellationToken = default)
    {
        var failures = new List<SourceFailure>();
        var sources = artifact.Sources.Where(s => SourceUrl.IsDownloadable(s.Url)).ToList();
        if (sources.Count == 0)
        {
            throw new UsageException($"{artifact.Label} has no http(s) or file source to download from");
        }

        foreach (var source in sources)
        {
            var url = source.Url;
            var target = new DownloadTarget(artifact.Label, url, artifact.Sha256, artifact.Size);
            try
            {
                return await download.RunAsync(
                    target,
                    partialPath,
                    (offset, ct) => url.IsFile ? OpenFileAsync(url, offset) : OpenHttpAsync(target, offset, report, ct),
                    report,
                    cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (Failure(url, e, cancellationToken) is { } reason)
            {
                report?.Invoke(new FetchEvent.SourceFailed(artifact.Label, url, reason, false));
                failures.Add(new SourceFailure(url.ToString(), reason, e is AttemptFailure ? e.InnerException : e));
            }
        }

        var last = failures.LastOrDefault()?.Error;
        throw new FetchException(artifact.Label, failures, last);
    }

    private async Task<SourceBody> OpenHttpAsync(DownloadTarget target, long offset, Action<FetchEvent>? report, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, target.Url);
        if (offset > 0)
        {
            request.Headers.Range = new RangeHeaderValue(offset, null);
        }

        request.Options.Set(RetryHandler.Notice, reason => report?.Invoke(new FetchEvent.SourceFailed(target.What, target.Url, reason, true)));
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw Classify(target.Url, e);
        }

        return await ResumableDownload.FromResponseAsync(response, offset, target, Refuse, cancellationToken).ConfigureAwait(false);
    }

    private static Task<Exception> Refuse(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        return Task.FromResult<Exception>(new AttemptFailure(status is 404 or 410 ? $"not found (HTTP {status})" : $"HTTP {status}"));
    }

    private static Task<SourceBody> OpenFileAsync(Uri url, long offset)
    {
        FileStream input;
        try
        {
            input = new FileStream(url.LocalPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AttemptFailure(e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message, e);
        }

        var from = offset <= input.Length ? offset : 0;
        input.Seek(from, SeekOrigin.Begin);
        return Task.FromResult(new SourceBody(input, from, input.Length));
    }

    /// <summary>Why a source failed, in one line, or null for what is not a source's failure (cancellation, a bug).</summary>
    private static string? Failure(Uri url, Exception e, CancellationToken cancellationToken) => e switch
    {
        AttemptFailure or DigestMismatchException or SizeMismatchException or TruncatedStreamException => e.Message,
        OperationCanceledException when cancellationToken.IsCancellationRequested => null,
        TimeoutException or OperationCanceledException => e.Message,
        HttpRequestException http => Classify(url, http).Message,
        IOException io when io is not FileNotFoundException and not DirectoryNotFoundException => $"connection failed: {io.Message}",
        _ => null,
    };

    private static AttemptFailure Classify(Uri url, HttpRequestException e) => e.HttpRequestError switch
    {
        HttpRequestError.NameResolutionError => new AttemptFailure($"cannot resolve host {url.Host} (no network, or a wrong mirror URL)", e),
        HttpRequestError.ConnectionError => new AttemptFailure($"cannot connect to {url.Authority}: {e.InnerException?.Message ?? e.Message}", e),
        HttpRequestError.ResponseEnded => new AttemptFailure("the server closed the connection early", e),
        HttpRequestError.SecureConnectionError => new AttemptFailure($"TLS with {url.Host} failed: {e.Message}", e),
        _ => new AttemptFailure($"request failed: {e.Message}", e),
    };

    public void Dispose() => client.Dispose();
}
