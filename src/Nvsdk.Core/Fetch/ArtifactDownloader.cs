using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Nvsdk.Core.Errors;
using Nvsdk.Core.LockFile;

namespace Nvsdk.Core.Fetch;

/// <summary>
/// Downloads one artifact into a partial file, trying its sources in order: 404/410 and other client errors
/// move on at once; 5xx, 429, stalls, resets and cut-short bodies are retried with back-off, resuming with an
/// HTTP Range request; a digest mismatch deletes the partial file and moves on. The hash decides, not the
/// source, so a partial file from one source may be finished from another.
/// </summary>
public sealed class ArtifactDownloader : IDisposable
{
    private const int BufferSize = 1 << 20;

    private readonly FetchOptions options;
    private readonly HttpClient client;

    public ArtifactDownloader(FetchOptions options, HttpMessageHandler? handler = null)
    {
        this.options = options;
        handler ??= new SocketsHttpHandler
        {
            ConnectTimeout = options.StallTimeout,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = Math.Max(2, options.Parallelism),
        };
        client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.Add(Platform.NvsdkVersion.UserAgent);
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
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await AttemptAsync(artifact, source.Url, partialPath, report, cancellationToken).ConfigureAwait(false);
                }
                catch (AttemptFailure failure)
                {
                    var retry = failure.Retryable && attempt < options.AttemptsPerSource;
                    report?.Invoke(new FetchEvent.SourceFailed(artifact.Label, source.Url, failure.Message, retry));
                    if (!retry)
                    {
                        failures.Add(new SourceFailure(source.Url.ToString(), failure.Message, failure.InnerException));
                        break;
                    }

                    await Task.Delay(Backoff.Delay(options, attempt, failure.RetryAfter), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is DigestMismatchException or SizeMismatchException)
                {
                    // Wrong bytes are not resumable: throw them away so the next source starts clean.
                    DeleteQuietly(partialPath);
                    report?.Invoke(new FetchEvent.SourceFailed(artifact.Label, source.Url, e.Message, false));
                    failures.Add(new SourceFailure(source.Url.ToString(), e.Message, e));
                    break;
                }
            }
        }

        var last = failures.LastOrDefault()?.Error;
        throw new FetchException(artifact.Label, failures, last);
    }

    private async Task<DownloadResult> AttemptAsync(
        Artifact artifact, Uri url, string partialPath, Action<FetchEvent>? report, CancellationToken cancellationToken)
    {
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            return url.IsFile
                ? await CopyFromFileAsync(artifact, url, partialPath, report, stall, cancellationToken).ConfigureAwait(false)
                : await CopyFromHttpAsync(artifact, url, partialPath, report, stall, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AttemptFailure($"stalled for {options.StallTimeout.TotalSeconds:0.#} s", retryable: true, e);
        }
        catch (TruncatedStreamException e)
        {
            throw new AttemptFailure(e.Message, retryable: true, e);
        }
        catch (HttpRequestException e)
        {
            throw Classify(url, e);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException && IsNetworkError(e))
        {
            throw new AttemptFailure($"connection failed: {e.Message}", retryable: true, e);
        }
    }

    private async Task<DownloadResult> CopyFromHttpAsync(
        Artifact artifact, Uri url, string partialPath, Action<FetchEvent>? report, CancellationTokenSource stall, CancellationToken cancellationToken)
    {
        var existing = PrepareResume(artifact, partialPath);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (existing > 0)
        {
            request.Headers.Range = new RangeHeaderValue(existing, null);
        }

        stall.CancelAfter(options.StallTimeout);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stall.Token).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        if (status == 416)
        {
            if (existing > 0 && response.Content.Headers.ContentRange?.Length == existing)
            {
                // A previous run got every byte but stopped before the store took the file: check it as it is.
                return await CopyVerifiedAsync(artifact, url, Stream.Null, partialPath, existing, existing, report, stall, cancellationToken).ConfigureAwait(false);
            }

            // Our partial file does not fit what the server has: start over.
            DeleteQuietly(partialPath);
            throw new AttemptFailure("HTTP 416 for the resume range; restarting", retryable: true);
        }

        if (status is 404 or 410)
        {
            throw new AttemptFailure($"not found (HTTP {status})", retryable: false);
        }

        if (status is 429 or >= 500)
        {
            throw new AttemptFailure($"HTTP {status}", retryable: true, retryAfter: response.Headers.RetryAfter?.Delta);
        }

        if (status is not (200 or 206))
        {
            throw new AttemptFailure($"HTTP {status}", retryable: false);
        }

        if (status == 200 || response.Content.Headers.ContentRange?.From != existing)
        {
            existing = 0; // the server sent the whole file
        }

        long? total = artifact.Size ?? (response.Content.Headers.ContentLength is { } length ? length + existing : null);
        var body = await response.Content.ReadAsStreamAsync(stall.Token).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            return await CopyVerifiedAsync(artifact, url, body, partialPath, existing, total, report, stall, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<DownloadResult> CopyFromFileAsync(
        Artifact artifact, Uri url, string partialPath, Action<FetchEvent>? report, CancellationTokenSource stall, CancellationToken cancellationToken)
    {
        FileStream input;
        try
        {
            input = new FileStream(url.LocalPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AttemptFailure(e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message, retryable: false, e);
        }

        await using (input.ConfigureAwait(false))
        {
            var existing = PrepareResume(artifact, partialPath);
            if (existing > input.Length)
            {
                existing = 0;
            }

            input.Seek(existing, SeekOrigin.Begin);
            return await CopyVerifiedAsync(artifact, url, input, partialPath, existing, artifact.Size ?? input.Length, report, stall, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>How many bytes of a previous attempt can be kept; drops a partial that is already too long.</summary>
    private static long PrepareResume(Artifact artifact, string partialPath)
    {
        var info = new FileInfo(partialPath);
        if (!info.Exists)
        {
            return 0;
        }

        if (artifact.Size is { } size && info.Length >= size && artifact.Sha256 is null)
        {
            DeleteQuietly(partialPath);
            return 0;
        }

        return info.Length;
    }

    private async Task<DownloadResult> CopyVerifiedAsync(
        Artifact artifact,
        Uri url,
        Stream body,
        string partialPath,
        long existing,
        long? total,
        Action<FetchEvent>? report,
        CancellationTokenSource stall,
        CancellationToken cancellationToken)
    {
        var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (existing > 0)
        {
            existing = await HashExistingAsync(partialPath, existing, hash, cancellationToken).ConfigureAwait(false);
        }

        report?.Invoke(new FetchEvent.Started(artifact.Label, url, existing, total));
        var output = new FileStream(partialPath, existing > 0 ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous);
        var transferred = 0L;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await using (output.ConfigureAwait(false))
            using (var verifying = new VerifyingStream(body, $"{artifact.Label} from {url}", artifact.Sha256, artifact.Size, hash, existing, leaveOpen: true))
            {
                while (true)
                {
                    stall.CancelAfter(options.StallTimeout);
                    var n = await verifying.ReadAsync(buffer.AsMemory(), stall.Token).ConfigureAwait(false);
                    if (n == 0)
                    {
                        break;
                    }

                    await output.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                    transferred += n;
                    report?.Invoke(new FetchEvent.Progress(artifact.Label, verifying.BytesRead, total));
                }

                // No fsync here: the archive becomes durable with the store entry it is moved into (that entry's
                // syncfs, or its install's one batched flush) and a .part is re-hashed whole when resumed.
                return new DownloadResult(verifying.Digest!.Value, verifying.BytesRead, url, transferred);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Feeds the bytes already on disk into the hash, so a resumed download is verified whole.</summary>
    /// <summary>Feeds the first <paramref name="length"/> bytes of a partial download into the hash (resume); returns how many there were.</summary>
    internal static async Task<long> HashExistingAsync(string partialPath, long length, IncrementalHash hash, CancellationToken cancellationToken)
    {
        var stream = new FileStream(partialPath, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                var read = 0L;
                while (read < length)
                {
                    var n = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - read)), cancellationToken).ConfigureAwait(false);
                    if (n == 0)
                    {
                        break;
                    }

                    hash.AppendData(buffer, 0, n);
                    read += n;
                }

                return read;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static AttemptFailure Classify(Uri url, HttpRequestException e) => e.HttpRequestError switch
    {
        HttpRequestError.NameResolutionError => new AttemptFailure($"cannot resolve host {url.Host} (no network, or a wrong mirror URL)", retryable: false, e),
        HttpRequestError.ConnectionError => new AttemptFailure($"cannot connect to {url.Authority}: {e.InnerException?.Message ?? e.Message}", retryable: true, e),
        HttpRequestError.ResponseEnded => new AttemptFailure("the server closed the connection early", retryable: true, e),
        HttpRequestError.SecureConnectionError => new AttemptFailure($"TLS with {url.Host} failed: {e.Message}", retryable: false, e),
        _ => new AttemptFailure($"request failed: {e.Message}", retryable: true, e),
    };

    private static bool IsNetworkError(IOException e) => e is HttpIOException || e.InnerException is System.Net.Sockets.SocketException;

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }

    public void Dispose() => client.Dispose();
}
