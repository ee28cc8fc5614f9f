using System.Text.Json;
using System.Text.RegularExpressions;
using Nvsdk.Core.Errors;

namespace Nvsdk.Core.Oci.Registry;

/// <summary>Tag listing, following the registry's Link header page by page.</summary>
public sealed partial class RegistryClient
{
    private const int MaxTagPages = 200;

    public async Task<IReadOnlyList<string>> ListTagsAsync(ImageReference image, CancellationToken cancellationToken = default)
    {
        var tags = new List<string>();
        var url = RepositoryUri(image, "tags/list?n=1000");
        for (var page = 0; page < MaxTagPages; page++)
        {
            var current = url;
            using var response = await SendAsync(image, "pull", () => new HttpRequestMessage(HttpMethod.Get, current), cancellationToken).ConfigureAwait(false);
            if ((int)response.StatusCode == 404)
            {
                throw new RegistryException($"{image.Registry}/{image.Repository}: no such repository (HTTP 404)", 404);
            }

            if (!response.IsSuccessStatusCode)
            {
                throw await UnexpectedAsync(image, "listing tags", response, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                var list = JsonSerializer.Deserialize(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false), OciJsonContext.Default.RegistryTagList);
                tags.AddRange(list?.Tags ?? []);
            }
            catch (JsonException e)
            {
                throw new RegistryException($"{image.Registry}/{image.Repository}: the tag list is not JSON ({e.Message})", innerException: e);
            }

            var next = response.Headers.TryGetValues("Link", out var links) ? NextLink().Match(string.Join(',', links)) : null;
            if (next is not { Success: true })
            {
                return tags;
            }

            url = new Uri(ApiBase(image), next.Groups[1].Value);
        }

        return tags;
    }

    /// <summary>RFC 5988: &lt;/v2/repo/tags/list?n=1000&amp;last=x&gt;; rel="next".</summary>
    [GeneratedRegex(@"<([^>]+)>\s*;\s*rel=""?next""?")]
    private static partial Regex NextLink();
}
