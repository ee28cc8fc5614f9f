using System.Buffers;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Fetch;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Oci.Registry;

/// <summary>
/// Blobs: every byte is hashed and counted as it streams in, against the digest and size the manifest
/// gives; a download to a file resumes with a Range request after a stall, reset or cut body.
/// </summary>
public sealed partial class RegistryClient
{
    private const int BufferSize = 1 << 20;

    /// <summary>Copies a blob into <paramref name="destination"/>; throws on a wrong digest or size (the caller discards what it wrote).</summary>
    public async Task CopyBlobAsync(ImageReference image, OciDescriptor blob, Stream destination, CancellationToken cancellationToken = default)
    {
        var body = await OpenBlobAsync(image, blob, cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            await body.CopyToAsync(destination, BufferSize, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Opens a blob as a stream that verifies as it is read: reading past the size, or reaching the end with
    /// the wrong digest, throws. For consumers that process while downloading (a cache layer unpacked on the fly).
    /// </summary>
    public async Task<Stream> OpenBlobAsync(ImageReference image, OciDescriptor blob, CancellationToken cancellationToken = default)
    {
        var digest = BlobDigest(image, blob);
        var response = await SendAsync(image, "pull", () => new HttpRequestMessage(HttpMethod.Get, RepositoryUri(image, $"blobs/{blob.Digest}")), cancellationToken, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        try
        {
            await EnsureBlobAnswerAsync(image, blob, response, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new OwningStream(new VerifyingStream(body, $"{image.Registry}/{image.Repository}@{blob.Digest}", digest, blob.Size), response);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Downloads a blob to <paramref name="partialPath"/>, resuming what an earlier attempt or run left there,
    /// with retries. On a digest or size mismatch the partial file is deleted and the error names the blob.
    /// </summary>
    public async Task DownloadBlobAsync(
        ImageReference image,
        OciDescriptor blob,
        string partialPath,
        Action<long>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var digest = BlobDigest(image, blob);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await DownloadAttemptAsync(image, blob, digest, partialPath, progress, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is DigestMismatchException or SizeMismatchException)
            {
                File.Delete(partialPath);
                throw;
            }
            catch (Exception e) when (attempt < options.Fetch.AttemptsPerSource && IsRetryable(e, cancellationToken))
            {
                await Task.Delay(Backoff.Delay(options.Fetch, attempt, null), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsRetryable(e, cancellationToken))
            {
                throw new RegistryException($"{image.Registry}/{image.Repository}@{blob.Digest}: {e.Message}", retryable: true, innerException: e);
            }
        }
    }

    private static bool IsRetryable(Exception e, CancellationToken cancellationToken) =>
        e is TruncatedStreamException or HttpRequestException or IOException
        || (e is RegistryException { Retryable: true })
        || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private async Task DownloadAttemptAsync(ImageReference image, OciDescriptor blob, Sha256Digest digest, string partialPath, Action<long>? progress, CancellationToken cancellationToken)
    {
        var existing = File.Exists(partialPath) ? new FileInfo(partialPath).Length : 0;
        if (existing > blob.Size)
        {
            File.Delete(partialPath);
            existing = 0;
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (existing > 0)
        {
            existing = await ArtifactDownloader.HashExistingAsync(partialPath, existing, hash, cancellationToken).ConfigureAwait(false);
        }

        var body = existing == blob.Size
            ? Stream.Null
            : await OpenRangeAsync(image, blob, existing, cancellationToken).ConfigureAwait(false);
        if (body is ResumedBody { FromStart: true })
        {
            // The registry ignored our Range: start the file and the hash over.
            existing = 0;
            hash.GetHashAndReset();
        }

        await using (body.ConfigureAwait(false))
        {
            var output = new FileStream(partialPath, existing > 0 ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous);
            await using (output.ConfigureAwait(false))
            using (var verifying = new VerifyingStream(body, $"{image.Registry}/{image.Repository}@{blob.Digest}", digest, blob.Size, hash, existing, leaveOpen: true))
            {
                var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
                try
                {
                    using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    while (true)
                    {
                        stall.CancelAfter(options.Fetch.StallTimeout);
                        var n = await verifying.ReadAsync(buffer.AsMemory(), stall.Token).ConfigureAwait(false);
                        if (n == 0)
                        {
                            break;
                        }

                        await output.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                        progress?.Invoke(n);
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                output.Flush(flushToDisk: true);
            }
        }
    }

    private async Task<Stream> OpenRangeAsync(ImageReference image, OciDescriptor blob, long offset, CancellationToken cancellationToken)
    {
        var url = RepositoryUri(image, $"blobs/{blob.Digest}");
        var response = await SendAsync(
            image,
            "pull",
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, url);
                if (offset > 0)
                {
                    request.Headers.Range = new RangeHeaderValue(offset, null);
                }

                return request;
            },
            cancellationToken,
            HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        try
        {
            await EnsureBlobAnswerAsync(image, blob, response, cancellationToken).ConfigureAwait(false);
            var fromStart = offset > 0 && (int)response.StatusCode == 200;
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new ResumedBody(body, response, fromStart);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private static async Task EnsureBlobAnswerAsync(ImageReference image, OciDescriptor blob, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (status == 404)
        {
            throw new RegistryException($"{image.Registry}/{image.Repository}: the blob {blob.Digest} is missing (HTTP 404)", 404);
        }

        if (status is not (200 or 206))
        {
            throw await UnexpectedAsync(image, $"blob {blob.Digest}", response, cancellationToken).ConfigureAwait(false);
        }
    }

    private static Sha256Digest BlobDigest(ImageReference image, OciDescriptor blob) =>
        blob.Digest.StartsWith("sha256:", StringComparison.Ordinal) && Sha256Digest.TryParse(blob.Digest, out var digest)
            ? digest
            : throw new RegistryException($"{image}: '{blob.Digest}' is not a sha256 digest; nvsdk verifies every blob by sha256");

    /// <summary>A response body that disposes its response with it, and says whether a Range was ignored.</summary>
    private sealed class ResumedBody(Stream inner, HttpResponseMessage response, bool fromStart) : OwningStream(inner, response)
    {
        public bool FromStart { get; } = fromStart;
    }
}
