using System.Net.Http.Headers;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Fetch;
using Nvsdk.Core.Http;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Oci.Registry;

/// <summary>
/// Blobs: every byte is hashed and counted as it streams in, against the digest and size the manifest
/// gives; a download to a file is the one <see cref="ResumableDownload"/> that artifacts use too.
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
    /// Downloads a blob to <paramref name="partialPath"/> through the one <see cref="ResumableDownload"/>:
    /// resuming what an earlier attempt or run left there, restarting from zero once when those bytes turn out
    /// damaged. On a digest or size mismatch the partial file is deleted and the error names the blob.
    /// <paramref name="progress"/> is told each change of the bytes on disk (negative when it starts over).
    /// </summary>
    public async Task DownloadBlobAsync(
        ImageReference image,
        OciDescriptor blob,
        string partialPath,
        Action<long>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var target = new DownloadTarget($"{image.Registry}/{image.Repository}@{blob.Digest}", RepositoryUri(image, $"blobs/{blob.Digest}"), BlobDigest(image, blob), blob.Size);
        var onDisk = File.Exists(partialPath) ? new FileInfo(partialPath).Length : 0;
        void Report(FetchEvent e)
        {
            var now = e switch
            {
                FetchEvent.Started s => s.ResumedFrom,
                FetchEvent.Progress p => p.Bytes,
                _ => onDisk,
            };
            progress?.Invoke(now - onDisk);
            onDisk = now;
        }

        try
        {
            await new ResumableDownload(options.Fetch).RunAsync(target, partialPath, (offset, ct) => OpenRangeAsync(image, blob, target, offset, ct), Report, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TruncatedStreamException or TimeoutException or HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new RegistryException($"{target.What}: {e.Message}", retryable: true, innerException: e);
        }
    }

    private async Task<SourceBody> OpenRangeAsync(ImageReference image, OciDescriptor blob, DownloadTarget target, long offset, CancellationToken cancellationToken)
    {
        var response = await SendAsync(
            image,
            "pull",
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, target.Url);
                if (offset > 0)
                {
                    request.Headers.Range = new RangeHeaderValue(offset, null);
                }

                return request;
            },
            cancellationToken,
            HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        return await ResumableDownload.FromResponseAsync(response, offset, target, r => BlobRefusalAsync(image, blob, r, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private static async Task EnsureBlobAnswerAsync(ImageReference image, OciDescriptor blob, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if ((int)response.StatusCode is not (200 or 206))
        {
            throw await BlobRefusalAsync(image, blob, response, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<Exception> BlobRefusalAsync(ImageReference image, OciDescriptor blob, HttpResponseMessage response, CancellationToken cancellationToken) =>
        (int)response.StatusCode == 404
            ? new RegistryException($"{image.Registry}/{image.Repository}: the blob {blob.Digest} is missing (HTTP 404)", 404)
            : await UnexpectedAsync(image, $"blob {blob.Digest}", response, cancellationToken).ConfigureAwait(false);

    private static Sha256Digest BlobDigest(ImageReference image, OciDescriptor blob) =>
        blob.Digest.StartsWith("sha256:", StringComparison.Ordinal) && Sha256Digest.TryParse(blob.Digest, out var digest)
            ? digest
            : throw new RegistryException($"{image}: '{blob.Digest}' is not a sha256 digest; nvsdk verifies every blob by sha256");
}
