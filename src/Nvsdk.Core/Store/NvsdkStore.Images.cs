using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nvsdk.Core.Fetch;
using Nvsdk.Core.Oci;
using Nvsdk.Core.Oci.Registry;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Store;

/// <summary>
/// Container images in the store. An image entry is an OCI image layout (oci-layout, index.json,
/// blobs/sha256/…) holding one platform's manifest, config and layers, named by the manifest digest, so
/// skopeo and other tools can read it as `oci:&lt;entry&gt;` and a digest-pinned pull needs no network when it
/// is there. Blobs download in parallel into downloads/ (resumable across runs, each under its own lock)
/// and are verified while streaming, then kept once by digest and linked in (see <see cref="PlaceImageBlobAsync"/>);
/// the entry is registered only when every blob is in place.
/// </summary>
public sealed partial class NvsdkStore
{
    /// <summary>Pulled images are gc roots until removed, as in Docker.</summary>
    private const string ImageRootsFile = "images";

    public static string ImageEntryName(Sha256Digest manifest, ImageReference image) =>
        $"{manifest.Short}-oci-{image.Repository[(image.Repository.LastIndexOf('/') + 1)..]}";

    /// <summary>The registered image for a digest-pinned reference, without asking the registry.</summary>
    public StoreEntryRecord? FindImage(ImageReference image) =>
        image.Digest is { } digest ? TryGetRecord(ImageEntryName(digest, image)) : null;

    public async Task<ImageInstallResult> PullImageAsync(
        ImageReference image,
        OciPlatform? platform,
        RegistryClient client,
        Action<FetchEvent>? report = null,
        CancellationToken cancellationToken = default)
    {
        if (FindImage(image) is { } present)
        {
            return new ImageInstallResult(present, false, Layout.EntryPath(present.Name), null);
        }

        var resolved = await client.ResolveAsync(image, platform, cancellationToken).ConfigureAwait(false);
        var name = ImageEntryName(resolved.Manifest.Digest, image);
        var downloaded = false;
        var record = await InstallAsync(
            name,
            () => TryGetRecord(name),
            async (staging, ct) =>
            {
                await WriteImageLayoutAsync(resolved, client, staging, report, ct).ConfigureAwait(false);
                downloaded = true;
                return new StoreEntryRecord
                {
                    Name = name,
                    Kind = EntryKinds.Image,
                    Component = image.Repository[(image.Repository.LastIndexOf('/') + 1)..],
                    Version = image.Tag ?? resolved.Manifest.Digest.Short[..12],
                    File = image.ToString(),
                    Sha256 = resolved.Manifest.Digest.Hex,
                    Size = resolved.TotalSize + resolved.Manifest.Bytes.Length,
                    Source = resolved.Pinned.ToString(),
                    RegisteredAt = DateTimeOffset.UtcNow,
                };
            },
            message => report?.Invoke(new FetchEvent.Waiting(image.ToString(), message)),
            cancellationToken).ConfigureAwait(false);
        AddRoot(ImageRootsFile, record.Name);
        return new ImageInstallResult(record, downloaded, Layout.EntryPath(record.Name), resolved);
    }

    /// <summary>The blobs of an image entry, bottom layer first, with their media types.</summary>
    public static (OciManifest Manifest, IReadOnlyList<OciLayerBlob> Layers) ReadImageLayout(string entryPath)
    {
        var index = JsonNode.Parse(File.ReadAllBytes(Path.Combine(entryPath, "index.json")))!;
        var manifestDigest = index["manifests"]![0]!["digest"]!.GetValue<string>();
        var manifest = JsonSerializer.Deserialize(File.ReadAllBytes(BlobPath(entryPath, manifestDigest)), OciJsonContext.Default.OciManifest)
            ?? throw new Errors.StoreException(Errors.ErrorCode.StoreCorrupt, $"{entryPath}: the manifest is empty; run `nvsdk store verify`");
        return (manifest, manifest.Layers.Select(l => new OciLayerBlob(BlobPath(entryPath, l.Digest), l.MediaType, l.Digest)).ToList());
    }

    public static string BlobPath(string layoutPath, string digest) =>
        Path.Combine(layoutPath, "blobs", "sha256", Sha256Digest.Parse(digest).Hex);

    private async Task WriteImageLayoutAsync(ResolvedImage resolved, RegistryClient client, string staging, Action<FetchEvent>? report, CancellationToken cancellationToken)
    {
        var blobs = Path.Combine(staging, "blobs", "sha256");
        Directory.CreateDirectory(blobs);
        var wanted = resolved.Parsed.Layers.Prepend(resolved.Parsed.Config).DistinctBy(d => d.Digest).ToList();
        var label = resolved.Image.Repository[(resolved.Image.Repository.LastIndexOf('/') + 1)..];
        await Parallel.ForEachAsync(
            wanted,
            new ParallelOptions { MaxDegreeOfParallelism = client.Options.Fetch.Parallelism, CancellationToken = cancellationToken },
            async (blob, ct) =>
            {
                var hex = Sha256Digest.Parse(blob.Digest).Hex;
                await PlaceImageBlobAsync(resolved, blob, client, Path.Combine(blobs, hex), $"{label} {hex[..12]}", report, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);

        await File.WriteAllBytesAsync(Path.Combine(blobs, resolved.Manifest.Digest.Hex), resolved.Manifest.Bytes, cancellationToken).ConfigureAwait(false);
        await File.WriteAllBytesAsync(Path.Combine(staging, "oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        var descriptor = new JsonObject
        {
            ["mediaType"] = resolved.Manifest.MediaType,
            ["digest"] = $"sha256:{resolved.Manifest.Digest.Hex}",
            ["size"] = resolved.Manifest.Bytes.Length,
            ["annotations"] = new JsonObject
            {
                [OciMediaTypes.RefNameAnnotation] = resolved.Image.Tag ?? resolved.Manifest.Digest.Short,
                ["io.nvsdk.image.ref"] = resolved.Image.ToString(),
            },
        };
        if (resolved.Platform is { } platform)
        {
            descriptor["platform"] = new JsonObject { ["os"] = platform.Os, ["architecture"] = platform.Architecture };
            if (platform.Variant is { } variant)
            {
                descriptor["platform"]!["variant"] = variant;
            }
        }

        var index = new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = OciMediaTypes.OciIndex, ["manifests"] = new JsonArray((JsonNode)descriptor) };
        await File.WriteAllBytesAsync(Path.Combine(staging, "index.json"), Encoding.UTF8.GetBytes(index.ToJsonString()), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Pulled images (kept as gc roots), newest registration last.</summary>
    public IReadOnlyList<StoreEntryRecord> ListImages() =>
        List().Where(r => r.Kind == EntryKinds.Image).OrderBy(r => r.RegisteredAt).ToList();

    /// <summary>
    /// Lets gc take the images <paramref name="what"/> names (an entry name, or the reference it was pulled as,
    /// with or without the digest). The entries stay until `store gc`, and stay for good if a generation uses them.
    /// </summary>
    public IReadOnlyList<StoreEntryRecord> ForgetImages(string what)
    {
        var matches = ListImages().Where(r => r.Name == what || r.File == what || r.Source == what || Names(r, what)).ToList();
        if (matches.Count == 0)
        {
            throw new Errors.UsageException($"no pulled image is '{what}'; see `nvsdk image list`");
        }

        var path = Path.Combine(Layout.RootsDir, ImageRootsFile);
        var keep = (File.Exists(path) ? File.ReadAllLines(path) : []).Where(l => matches.All(m => m.Name != l.Trim()) && l.Trim().Length > 0).ToList();
        WriteAtomically(path, System.Text.Encoding.UTF8.GetBytes(keep.Count == 0 ? string.Empty : string.Join('\n', keep) + "\n"));
        return matches;

        static bool Names(StoreEntryRecord record, string text) =>
            ImageReference.TryParse(text, out var reference, out _)
            && (record.File == reference.ToString() || (reference.Digest is { } d && d.Hex == record.Sha256));
    }

    /// <summary>Adds an entry name to a roots/ file (gc keeps what roots/ lists), once.</summary>
    internal void AddRoot(string file, string entryName)
    {
        var path = Path.Combine(Layout.RootsDir, file);
        var lines = File.Exists(path) ? File.ReadAllLines(path).ToList() : [];
        if (!lines.Contains(entryName))
        {
            lines.Add(entryName);
            WriteAtomically(path, Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));
        }
    }
}

/// <summary>One layer blob of a stored image: where it is and how it is compressed.</summary>
public sealed record OciLayerBlob(string Path, string MediaType, string Digest);

/// <summary>A pulled image in the store; <see cref="Resolved"/> is null when nothing had to be asked of the registry.</summary>
public sealed record ImageInstallResult(StoreEntryRecord Record, bool Downloaded, string EntryPath, ResolvedImage? Resolved);
