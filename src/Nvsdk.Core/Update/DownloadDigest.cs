using System.Net;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Fetch;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Update;

/// <summary>
/// Pins a file whose publisher gives no sha256 (the CUDA runfile, TensorRT's tars, GitHub's tag tarballs): it
/// is downloaded and hashed as it streams past, never held in memory or written to disk, so a 4 GiB runfile
/// costs a download and nothing else. A Content-Length, when sent, is enforced: a cut-short body is an error,
/// not a digest of half a file.
/// </summary>
internal static class DownloadDigest
{
    public static async Task<(Sha256Digest Sha256, long Size)> OfAsync(HttpClient http, Uri url, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"{url}: HTTP {(int)response.StatusCode}", null, response.StatusCode);
        }

        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            using var verifying = new VerifyingStream(body, url.ToString(), null, response.Content.Headers.ContentLength, leaveOpen: true);
            try
            {
                await verifying.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new NvsdkException(ErrorCode.FetchFailed, $"{url}: download broke off after {verifying.BytesRead} bytes", e);
            }

            return (verifying.Digest!.Value, verifying.BytesRead);
        }
    }
}
