using System.Net.Http.Headers;
using System.Text.Json;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Oci.Registry;

/// <summary>Manifests and indexes: fetched by tag or digest, verified against the digest they are named by.</summary>
public sealed partial class RegistryClient
{
    /// <summary>
    /// GET /v2/&lt;repo&gt;/manifests/&lt;reference&gt;. The bytes are hashed: fetched by digest they must match
    /// it; fetched by tag they must match the registry's Docker-Content-Digest when it sends one.
    /// </summary>
    public async Task<ManifestResponse> GetManifestAsync(ImageReference image, string reference, CancellationToken cancellationToken = default)
    {
        var url = RepositoryUri(image, $"manifests/{reference}");
        using var response = await SendAsync(
            image,
            "pull",
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, url);
                foreach (var type in OciMediaTypes.AcceptedManifests)
                {
                    request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
                }

                return request;
            },
            cancellationToken,
            HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);

        if ((int)response.StatusCode == 404)
        {
            throw new RegistryException($"{image.Registry}/{image.Repository}: no manifest '{reference}' (HTTP 404); check the tag with `nvsdk image tags {image.Registry}/{image.Repository}`", 404);
        }

        if (!response.IsSuccessStatusCode)
        {
            throw await UnexpectedAsync(image, $"manifest {reference}", response, cancellationToken).ConfigureAwait(false);
        }

        if (response.Content.Headers.ContentLength > options.MaxManifestBytes)
        {
            throw new RegistryException($"{image}: the manifest is {response.Content.Headers.ContentLength} bytes, more than the {options.MaxManifestBytes} a manifest may have");
        }

        var bytes = await ReadBoundedAsync(response, options.MaxManifestBytes, cancellationToken).ConfigureAwait(false);
        var digest = Sha256Digest.Of(bytes);
        if (reference.StartsWith("sha256:", StringComparison.Ordinal) && Sha256Digest.Parse(reference) != digest)
        {
            throw new DigestMismatchException($"{image.Registry}/{image.Repository}@{reference}", Sha256Digest.Parse(reference), digest, bytes.Length);
        }

        if (response.Headers.TryGetValues("Docker-Content-Digest", out var claimed)
            && Sha256Digest.TryParse(claimed.FirstOrDefault(), out var claimedDigest)
            && claimedDigest != digest)
        {
            throw new DigestMismatchException($"{image.Registry}/{image.Repository}:{reference} (the registry's Docker-Content-Digest)", claimedDigest, digest, bytes.Length);
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType ?? "unknown";
        if (!OciMediaTypes.IsIndex(mediaType) && !OciMediaTypes.IsManifest(mediaType))
        {
            mediaType = MediaTypeField(bytes) ?? mediaType;
        }

        return new ManifestResponse(bytes, mediaType, digest);
    }

    /// <summary>
    /// Resolves a reference to one platform's image manifest. An index picks the entry for
    /// <paramref name="platform"/> (default: linux/amd64); a missing platform is an error listing what exists.
    /// A single manifest is checked against the platform in its config when one was asked for.
    /// </summary>
    public async Task<ResolvedImage> ResolveAsync(ImageReference image, OciPlatform? platform, CancellationToken cancellationToken = default)
    {
        var top = await GetManifestAsync(image, image.Reference, cancellationToken).ConfigureAwait(false);
        if (OciMediaTypes.IsIndex(top.MediaType))
        {
            var index = ParseIndex(image, top.Bytes);
            var wanted = platform ?? OciPlatforms.Default;
            var entry = OciPlatforms.Select(index.Manifests, wanted)
                ?? throw new UsageException(
                    $"{image} has no {wanted} image; it has: {string.Join(", ", OciPlatforms.Listed(index.Manifests))}",
                    "pass --platform with one of those");
            var manifest = await GetManifestAsync(image, entry.Digest, cancellationToken).ConfigureAwait(false);
            return new ResolvedImage(image, top.Digest, manifest, ParseManifest(image, manifest), entry.Platform);
        }

        var parsed = ParseManifest(image, top);
        OciPlatform? actual = null;
        if (platform is not null)
        {
            var config = await GetConfigAsync(image, parsed, cancellationToken).ConfigureAwait(false);
            if (config.Os is { } os && config.Architecture is { } arch)
            {
                actual = new OciPlatform { Os = os, Architecture = arch, Variant = config.Variant };
                if (!OciPlatforms.Matches(actual, platform))
                {
                    throw new UsageException($"{image} is a single-platform image for {actual}, not {platform}");
                }
            }
        }

        return new ResolvedImage(image, null, top, parsed, actual);
    }

    /// <summary>Reads an image's config blob (small; verified like every blob).</summary>
    public async Task<OciImageConfig> GetConfigAsync(ImageReference image, OciManifest manifest, CancellationToken cancellationToken = default) =>
        Deserialize(image, await ReadSmallBlobAsync(image, manifest.Config, options.MaxManifestBytes, "the image config", cancellationToken).ConfigureAwait(false), OciJsonContext.Default.OciImageConfig);

    /// <summary>A config-sized blob, verified, in memory; larger than <paramref name="max"/> bytes is refused before any is read.</summary>
    internal async Task<byte[]> ReadSmallBlobAsync(ImageReference image, OciDescriptor blob, long max, string what, CancellationToken cancellationToken)
    {
        if (blob.Size > max)
        {
            throw new RegistryException($"{image}: {what} is {blob.Size} bytes; refusing to read it into memory");
        }

        using var buffer = new MemoryStream();
        await CopyBlobAsync(image, blob, buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    internal static OciIndex ParseIndex(ImageReference image, byte[] bytes) => Deserialize(image, bytes, OciJsonContext.Default.OciIndex);

    internal static OciManifest ParseManifest(ImageReference image, ManifestResponse manifest)
    {
        if (!OciMediaTypes.IsManifest(manifest.MediaType))
        {
            throw new RegistryException($"{image}: '{manifest.MediaType}' is not an image manifest nvsdk can read (OCI or Docker v2 schema 2)");
        }

        var parsed = Deserialize(image, manifest.Bytes, OciJsonContext.Default.OciManifest);
        foreach (var descriptor in parsed.Layers.Append(parsed.Config))
        {
            if (!Sha256Digest.TryParse(descriptor.Digest, out _) || !descriptor.Digest.StartsWith("sha256:", StringComparison.Ordinal) || descriptor.Size < 0)
            {
                throw new RegistryException($"{image}: the manifest names '{descriptor.Digest}' ({descriptor.Size} bytes); only sha256 digests and real sizes are accepted");
            }
        }

        return parsed;
    }

    private static T Deserialize<T>(ImageReference image, byte[] bytes, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(bytes, type) ?? throw new JsonException("null document");
        }
        catch (JsonException e)
        {
            throw new RegistryException($"{image}: the registry sent a malformed {typeof(T).Name} ({e.Message})", innerException: e);
        }
    }

    private static string? MediaTypeField(byte[] bytes)
    {
        try
        {
            using var json = JsonDocument.Parse(bytes);
            return json.RootElement.TryGetProperty("mediaType", out var type) ? type.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, int max, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            while (await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false) is var n and > 0)
            {
                if (buffer.Length + n > max)
                {
                    throw new RegistryException($"a manifest larger than {max} bytes; refusing it");
                }

                buffer.Write(chunk, 0, n);
            }

            return buffer.ToArray();
        }
    }
}
