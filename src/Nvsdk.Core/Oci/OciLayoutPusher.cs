using System.Text.Json;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Oci.Registry;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Oci;

/// <summary>
/// Pushes an image from an OCI image layout folder (what `nvsdk image pull` stores, `skopeo copy … oci:DIR`
/// and BuildKit's `--output type=oci` write) to a registry: every blob first, skipping those the registry
/// has, then child manifests by digest, then the top manifest or index under the tag.
/// </summary>
public static class OciLayoutPusher
{
    public static async Task<LayoutPushResult> PushAsync(string layout, string? refName, ImageReference target, RegistryClient client, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Path.Combine(layout, "oci-layout")) || !File.Exists(Path.Combine(layout, "index.json")))
        {
            throw new UsageException($"{layout} is not an OCI image layout (no oci-layout and index.json)");
        }

        var index = Read(layout, Path.Combine(layout, "index.json"), OciJsonContext.Default.OciIndex);
        var candidates = refName is null
            ? index.Manifests
            : index.Manifests.Where(m => m.Annotations?.GetValueOrDefault(OciMediaTypes.RefNameAnnotation) == refName).ToList();
        if (candidates.Count != 1)
        {
            var names = index.Manifests.Select(m => m.Annotations?.GetValueOrDefault(OciMediaTypes.RefNameAnnotation) ?? m.Digest);
            throw new UsageException(
                candidates.Count == 0
                    ? $"{layout} has no image named '{refName}'; it has: {string.Join(", ", names)}"
                    : $"{layout} holds {candidates.Count} images ({string.Join(", ", names)}); pick one with --name");
        }

        var stats = new Counter();
        var top = candidates[0];
        await PushDescriptorAsync(layout, top, target, client, stats, cancellationToken).ConfigureAwait(false);
        var bytes = await File.ReadAllBytesAsync(BlobPath(layout, top.Digest), cancellationToken).ConfigureAwait(false);
        var digest = await client.PushManifestAsync(target, target.Tag ?? top.Digest, bytes, top.MediaType, cancellationToken).ConfigureAwait(false);
        return new LayoutPushResult(target with { Digest = digest }, top.MediaType, stats.Uploaded, stats.Present);
    }

    /// <summary>Pushes what a manifest or index refers to (not the manifest itself).</summary>
    private static async Task PushDescriptorAsync(string layout, OciDescriptor descriptor, ImageReference target, RegistryClient client, Counter stats, CancellationToken cancellationToken)
    {
        var path = BlobPath(layout, descriptor.Digest);
        if (OciMediaTypes.IsIndex(descriptor.MediaType))
        {
            var index = Read(layout, path, OciJsonContext.Default.OciIndex);
            foreach (var child in index.Manifests)
            {
                await PushDescriptorAsync(layout, child, target, client, stats, cancellationToken).ConfigureAwait(false);
                var bytes = await File.ReadAllBytesAsync(BlobPath(layout, child.Digest), cancellationToken).ConfigureAwait(false);
                await client.PushManifestAsync(target, child.Digest, bytes, child.MediaType, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var manifest = Read(layout, path, OciJsonContext.Default.OciManifest);
        foreach (var blob in manifest.Layers.Prepend(manifest.Config))
        {
            var blobPath = BlobPath(layout, blob.Digest);
            if (!File.Exists(blobPath))
            {
                throw new UsageException($"{layout}: the blob {blob.Digest} is missing; the layout is incomplete");
            }

            if (await client.PushBlobAsync(target, blob, () => File.OpenRead(blobPath), cancellationToken).ConfigureAwait(false))
            {
                stats.Uploaded++;
            }
            else
            {
                stats.Present++;
            }
        }
    }

    private static string BlobPath(string layout, string digest) =>
        Sha256Digest.TryParse(digest, out var d)
            ? Path.Combine(layout, "blobs", "sha256", d.Hex)
            : throw new UsageException($"{layout}: '{digest}' is not a sha256 digest");

    private static T Read<T>(string layout, string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), type) ?? throw new JsonException("null");
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            throw new UsageException($"{layout}: {Path.GetFileName(path)} is unreadable ({e.Message})");
        }
    }

    private sealed class Counter
    {
        public int Uploaded { get; set; }

        public int Present { get; set; }
    }
}

public sealed record LayoutPushResult(ImageReference Pushed, string MediaType, int BlobsUploaded, int BlobsPresent);
