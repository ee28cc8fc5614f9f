using System.Buffers;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Fetch;
using Nvsdk.Core.Primitives;
using Polly;

namespace Nvsdk.Core.Http;

/// <summary>What to download: a name for messages, where from, and the digest and size that decide.</summary>
public sealed record DownloadTarget(string What, Uri Url, Sha256Digest? Sha256, long? Size);

/// <summary>A source's answer to "the bytes from <c>offset</c> on": where its body starts and how long the whole is.</summary>
public sealed record SourceBody(Stream Body, long From, long? Total) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Body.DisposeAsync();
}

/// <summary>
/// The one verified, resumable download, for HTTP artifacts and registry blobs alike: bytes go to a partial
/// file while they are hashed and counted (<see cref="VerifyingStream"/>); what an earlier attempt or run left
/// there is hashed first and resumed with a Range request; a body cut off after its headers (a reset, a stall,
/// a short read) is resumed under the one <see cref="RetryPolicy"/> (the request itself was retried by the
/// pipeline already). Resumed bytes that then fail the digest, or a resume the server refuses, restart from
/// zero once in the same run. A server whose copy has the wrong size is named with both sizes. On a digest or
/// size failure the partial file is deleted; on cancellation it is kept for the next run to resume.
/// </summary>
public sealed class ResumableDownload
{
    private const int BufferSize = 1 << 20;

    private readonly ResiliencePipeline<DownloadResult> resume;
    private readonly bool flushToDisk;

    /// <param name="options">The retry settings.</param>
    /// <param name="flushToDisk">Whether the finished file is fsynced here; false where the caller makes it durable later.</param>
    public ResumableDownload(FetchOptions options, bool flushToDisk = true)
    {
        this.flushToDisk = flushToDisk;
        resume = RetryPolicy.Build(
            options,
            new PredicateBuilder<DownloadResult>().Handle<Interrupted>(),
            args =>
            {
                if (args.Context.Properties.TryGetValue(ReportKey, out var notice))
                {
                    notice(args.Outcome.Exception!.InnerException!.Message);
                }

                return default;
            });
    }

    /// <summary>Opens the source at an offset; an error answer is the caller's to turn into its own exception.</summary>
    public delegate Task<SourceBody> Open(long offset, CancellationToken cancellationToken);

    private static readonly ResiliencePropertyKey<Action<string>> ReportKey = new("nvsdk.resume-notice");

    /// <summary>
    /// Downloads <paramref name="target"/> into <paramref name="partialPath"/>. Throws <see cref="DigestMismatchException"/>
    /// or <see cref="SizeMismatchException"/> (the partial file deleted), the last interruption when resuming
    /// gave up (<see cref="TruncatedStreamException"/>, <see cref="TimeoutException"/>, an <see cref="IOException"/>),
    /// or whatever <paramref name="open"/> throws.
    /// </summary>
    public async Task<DownloadResult> RunAsync(
        DownloadTarget target, string partialPath, Open open, Action<FetchEvent>? report = null, CancellationToken cancellationToken = default)
    {
        for (var restarted = false; ; restarted = true)
        {
            var context = ResilienceContextPool.Shared.Get(cancellationToken);
            context.Properties.Set(ReportKey, reason => report?.Invoke(new FetchEvent.SourceFailed(target.What, target.Url, reason, true)));
            try
            {
                return await resume.ExecuteAsync(
                    static async (context, state) => await state.Self.AttemptAsync(state.Target, state.PartialPath, state.Open, state.Report, context.CancellationToken).ConfigureAwait(false),
                    context,
                    (Self: this, Target: target, PartialPath: partialPath, Open: open, Report: report)).ConfigureAwait(false);
            }
            catch (Interrupted e)
            {
                ExceptionDispatchInfo.Throw(e.InnerException!);
                throw;
            }
            catch (BadResume e) when (!restarted)
            {
                DeleteQuietly(partialPath);
                report?.Invoke(new FetchEvent.SourceFailed(target.What, target.Url, $"{e.InnerException?.Message ?? e.Message}; starting again from zero", true));
            }
            catch (BadResume e)
            {
                DeleteQuietly(partialPath);
                throw e.InnerException ?? new HttpRequestException(e.Message); // cannot happen from zero; named like any failed request
            }
            catch (Exception e) when (e is DigestMismatchException or SizeMismatchException)
            {
                DeleteQuietly(partialPath); // wrong bytes are not resumable: the next source starts clean
                throw;
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
            }
        }
    }

    /// <summary>
    /// Reads an HTTP answer to a (Range) GET as a <see cref="SourceBody"/>: 200 is the whole, a 206 must start
    /// where we asked, a 416 means the partial file is complete, too long for the server's copy (named with
    /// both sizes), or does not fit it (restart). Any other status goes to <paramref name="refuse"/>.
    /// </summary>
    public static async Task<SourceBody> FromResponseAsync(
        HttpResponseMessage response,
        long offset,
        DownloadTarget target,
        Func<HttpResponseMessage, Task<Exception>> refuse,
        CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var range = response.Content.Headers.ContentRange;
        try
        {
            switch (status)
            {
                case 200:
                    return new SourceBody(await BodyAsync(response, cancellationToken).ConfigureAwait(false), 0, response.Content.Headers.ContentLength);
                case 206 when range?.From == offset:
                    return new SourceBody(await BodyAsync(response, cancellationToken).ConfigureAwait(false), offset, range.Length ?? offset + response.Content.Headers.ContentLength);
                case 206:
                    throw new BadResume($"asked for the bytes from {offset} on, the server sent {range}");
                case 416 when range?.Length is { } whole && target.Size is { } size && whole != size:
                    throw new SizeMismatchException($"{target.What} from {target.Url} (the server's copy)", size, whole);
                case 416 when offset > 0 && range?.Length == offset:
                    // A previous run got every byte but stopped before the store took the file: check it as it is.
                    response.Dispose();
                    return new SourceBody(Stream.Null, offset, offset);
                case 416:
                    throw new BadResume($"the server refused to resume at byte {offset} (it has {(range?.Length is { } n ? $"{n} bytes" : "an unknown size")})");
                default:
                    throw await refuse(response).ConfigureAwait(false);
            }
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private static async Task<Stream> BodyAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        new Oci.Registry.OwningStream(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), response);

    private async Task<DownloadResult> AttemptAsync(DownloadTarget target, string partialPath, Open open, Action<FetchEvent>? report, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var existing = KeptBytes(target, partialPath);
        if (existing > 0)
        {
            existing = await HashExistingAsync(partialPath, existing, hash, cancellationToken).ConfigureAwait(false);
        }

        var source = existing > 0 && existing == target.Size
            ? new SourceBody(Stream.Null, existing, existing)
            : await open(existing, cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            if (source.From != existing)
            {
                existing = 0; // the server ignored our Range and sent the whole: start the file and the hash over
                hash.GetHashAndReset();
            }

            if (source.Total is { } whole && target.Size is { } size && whole != size)
            {
                throw new SizeMismatchException($"{target.What} from {target.Url} (the server's copy)", size, whole);
            }

            try
            {
                return await CopyVerifiedAsync(target, source, partialPath, existing, hash, report, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (existing > 0 && e is DigestMismatchException or SizeMismatchException)
            {
                throw new BadResume(e); // the bytes kept from before may be the damaged ones
            }
            catch (Exception e) when (IsInterruption(e, cancellationToken))
            {
                throw new Interrupted(e);
            }
        }
    }

    private async Task<DownloadResult> CopyVerifiedAsync(
        DownloadTarget target, SourceBody source, string partialPath, long existing, IncrementalHash hash, Action<FetchEvent>? report, CancellationToken cancellationToken)
    {
        var total = target.Size ?? source.Total;
        report?.Invoke(new FetchEvent.Started(target.What, target.Url, existing, total));
        var output = new FileStream(partialPath, existing > 0 ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous);
        var transferred = 0L;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await using (output.ConfigureAwait(false))
            using (var verifying = new VerifyingStream(source.Body, $"{target.What} from {target.Url}", target.Sha256, target.Size, hash, existing, leaveOpen: true))
            {
                while (true)
                {
                    var n = await verifying.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
                    if (n == 0)
                    {
                        break;
                    }

                    await output.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                    transferred += n;
                    report?.Invoke(new FetchEvent.Progress(target.What, verifying.BytesRead, total));
                }

                output.Flush(flushToDisk);
                return new DownloadResult(verifying.Digest!.Value, verifying.BytesRead, target.Url, transferred);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>How many bytes of a previous attempt can be kept; drops a partial that is already too long to be right.</summary>
    private static long KeptBytes(DownloadTarget target, string partialPath)
    {
        var info = new FileInfo(partialPath);
        if (!info.Exists)
        {
            return 0;
        }

        if (target.Size is { } size && (info.Length > size || (info.Length == size && target.Sha256 is null)))
        {
            DeleteQuietly(partialPath);
            return 0;
        }

        return info.Length;
    }

    /// <summary>Feeds the first <paramref name="length"/> bytes of a partial download into the hash (resume); returns how many there were.</summary>
    private static async Task<long> HashExistingAsync(string partialPath, long length, IncrementalHash hash, CancellationToken cancellationToken)
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

    /// <summary>A body that stopped after its headers came: resuming from what arrived may finish it.</summary>
    private static bool IsInterruption(Exception e, CancellationToken cancellationToken) =>
        e is TruncatedStreamException or TimeoutException or HttpIOException or HttpRequestException
        || (e is IOException && e.InnerException is SocketException)
        || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

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

    /// <summary>A cut-off body, carried to the resume policy; the cause is rethrown when resuming gives up.</summary>
    private sealed class Interrupted(Exception cause) : Exception(cause.Message, cause);

    /// <summary>The partial file cannot be finished (resumed bytes failed the check, or the server refused the resume): restart from zero, once.</summary>
    private sealed class BadResume : Exception
    {
        public BadResume(string reason)
            : base(reason)
        {
        }

        public BadResume(Exception cause)
            : base(cause.Message, cause)
        {
        }
    }
}
