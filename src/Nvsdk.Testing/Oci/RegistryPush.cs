using System.Net;
using System.Net.Http.Headers;

namespace Nvsdk.Testing.Oci;

/// <summary>
/// Pushes layout blobs and manifests byte for byte with the distribution API (blob upload POST + PUT,
/// manifest PUT). For what skopeo cannot push: Docker schema 2 content (skopeo 1.9's oci: transport resolves
/// only OCI manifest and index descriptors in index.json) and hand-made manifests skopeo would refuse or rewrite.
/// The client must carry the registry's credentials (<see cref="DockerRegistryServer.CreateClient"/> does).
/// </summary>
/// <example>
/// <code>
/// using var http = registry.CreateClient();
/// await RegistryPush.IndexAsync(http, layout, "nvsdk/docker", dockerIndex, "latest");
/// </code>
/// </example>
public static class RegistryPush
{
    /// <summary>The image's config and layers, then its manifest under <paramref name="tag"/> (or only by digest when null).</summary>
    public static async Task ImageAsync(HttpClient http, OciLayoutBuilder layout, string repository, OciBuiltImage image, string? tag = null)
    {
        foreach (var blob in image.Layers.Select(l => l.Blob).Append(image.Config))
        {
            await BlobAsync(http, repository, blob.Digest, layout.BlobPath(blob.Digest));
        }

        await ManifestAsync(http, repository, tag ?? image.Manifest.Digest, image.Manifest.MediaType, await File.ReadAllBytesAsync(layout.BlobPath(image.Manifest.Digest)));
    }

    /// <summary>Every image of the index by digest (a registry refuses an index whose manifests it lacks), then the index.</summary>
    public static async Task IndexAsync(HttpClient http, OciLayoutBuilder layout, string repository, OciBuiltIndex index, string tag)
    {
        foreach (var image in index.Images)
        {
            await ImageAsync(http, layout, repository, image);
        }

        await ManifestAsync(http, repository, tag, index.Index.MediaType, await File.ReadAllBytesAsync(layout.BlobPath(index.Index.Digest)));
    }

    /// <summary>Uploads the file as blob <paramref name="digest"/> in one PUT, unless the repository has it already.</summary>
    public static async Task BlobAsync(HttpClient http, string repository, string digest, string path)
    {
        using (var head = new HttpRequestMessage(HttpMethod.Head, $"v2/{repository}/blobs/{digest}"))
        using (var exists = await http.SendAsync(head))
        {
            if (exists.StatusCode == HttpStatusCode.OK)
            {
                return;
            }
        }

        using var start = await http.PostAsync(new Uri($"v2/{repository}/blobs/uploads/", UriKind.Relative), null);
        await EnsureAsync(start, $"starting the upload of {digest}");
        var location = start.Headers.Location ?? throw new InvalidOperationException("the registry gave no upload Location");
        var upload = new Uri(http.BaseAddress!, location);
        var separator = upload.Query.Length > 0 ? '&' : '?';
        await using var file = File.OpenRead(path);
        using var content = new StreamContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var done = await http.PutAsync(new Uri($"{upload.AbsoluteUri}{separator}digest={Uri.EscapeDataString(digest)}"), content);
        await EnsureAsync(done, $"uploading {digest}");
    }

    /// <summary>PUTs the manifest bytes with their media type as Content-Type; returns the registry's Docker-Content-Digest.</summary>
    public static async Task<string> ManifestAsync(HttpClient http, string repository, string reference, string mediaType, byte[] bytes)
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var response = await http.PutAsync(new Uri($"v2/{repository}/manifests/{reference}", UriKind.Relative), content);
        await EnsureAsync(response, $"putting manifest {repository}:{reference}");
        return response.Headers.GetValues("Docker-Content-Digest").Single();
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}
