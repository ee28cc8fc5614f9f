using System.Net.Http.Headers;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Oci.Registry;

/// <summary>
/// Pushing: blobs first (skipped when the registry already has them), manifests last, so a reader never
/// sees a manifest whose blobs are missing. Uploads are monolithic (POST a session, PUT the bytes with the
/// digest), which every registry accepts. Every request, upload included, is retried by the pipeline only.
/// </summary>
public sealed partial class RegistryClient
{
    private const string PushActions = "pull,push";

    /// <summary>Whether the registry has the blob: 404 says no; an error answer (already retried) is an error, not a no.</summary>
    public async Task<bool> BlobExistsAsync(ImageReference image, string digest, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(image, PushActions, () => new HttpRequestMessage(HttpMethod.Head, RepositoryUri(image, $"blobs/{digest}")), cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode
            || ((int)response.StatusCode == 404 ? false : throw await UnexpectedAsync(image, $"checking for {digest}", response, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Uploads a blob unless it is there already. <paramref name="open"/> is called per try: the PUT's body is
    /// a <see cref="Http.ReplayableContent"/>, so the pipeline's one retry policy replays it; nothing here retries.
    /// Returns whether bytes were sent.
    /// </summary>
    public async Task<bool> PushBlobAsync(ImageReference image, OciDescriptor blob, Func<Stream> open, CancellationToken cancellationToken = default)
    {
        if (await BlobExistsAsync(image, blob.Digest, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        await UploadAsync(image, blob, open, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task UploadAsync(ImageReference image, OciDescriptor blob, Func<Stream> open, CancellationToken cancellationToken)
    {
        Uri location;
        using (var start = await SendAsync(image, PushActions, () => new HttpRequestMessage(HttpMethod.Post, RepositoryUri(image, "blobs/uploads/")), cancellationToken).ConfigureAwait(false))
        {
            if ((int)start.StatusCode != 202 || start.Headers.Location is null)
            {
                throw await UnexpectedAsync(image, "starting a blob upload", start, cancellationToken).ConfigureAwait(false);
            }

            location = start.Headers.Location.IsAbsoluteUri ? start.Headers.Location : new Uri(ApiBase(image), start.Headers.Location);
        }

        var target = new Uri(location + (location.Query.Length > 0 ? "&" : "?") + "digest=" + Uri.EscapeDataString(blob.Digest));
        using var response = await SendAsync(
            image,
            PushActions,
            () => new HttpRequestMessage(HttpMethod.Put, target) { Content = new Http.ReplayableContent(open, blob.Size) },
            cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode != 201)
        {
            throw await UnexpectedAsync(image, $"uploading {blob.Digest}", response, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>PUTs a manifest under a tag (or its digest); returns its digest, checked against the registry's answer.</summary>
    public async Task<Sha256Digest> PushManifestAsync(ImageReference image, string reference, byte[] manifest, string mediaType, CancellationToken cancellationToken = default)
    {
        var digest = Sha256Digest.Of(manifest);
        using var response = await SendAsync(
            image,
            PushActions,
            () =>
            {
                var content = new ByteArrayContent(manifest);
                content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
                return new HttpRequestMessage(HttpMethod.Put, RepositoryUri(image, $"manifests/{reference}")) { Content = content };
            },
            cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode != 201)
        {
            throw await UnexpectedAsync(image, $"pushing the manifest {reference}", response, cancellationToken).ConfigureAwait(false);
        }

        if (response.Headers.TryGetValues("Docker-Content-Digest", out var claimed)
            && Sha256Digest.TryParse(claimed.FirstOrDefault(), out var stored)
            && stored != digest)
        {
            throw new DigestMismatchException($"{image.Registry}/{image.Repository}:{reference} as stored by the registry", digest, stored, manifest.Length);
        }

        return digest;
    }
}
