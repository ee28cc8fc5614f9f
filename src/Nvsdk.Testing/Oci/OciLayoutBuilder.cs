using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Nvsdk.Core.Platform;
using OciMediaTypes = Nvsdk.Core.Oci.OciMediaTypes;

namespace Nvsdk.Testing.Oci;

/// <summary>
/// Writes an OCI image layout folder (oci-layout, index.json, blobs/sha256/…) from code, the input skopeo
/// pushes to a test registry. Images, indexes and tags are added one by one; index.json is rewritten on each
/// <see cref="Tag"/>, so the folder is a valid layout at every step. The same specs give the same digests on
/// every run (within one process only for pax layers: see <see cref="OciLayerSpec.TarFormat"/>).
/// </summary>
/// <example>
/// <code>
/// var layout = new OciLayoutBuilder(temp.Combine("layout"));
/// var image = layout.AddImage(new OciImageSpec([
///     new([LayerEntry.Directory("opt/"), LayerEntry.File("opt/a.txt", "a\n")]),
///     new([LayerEntry.Whiteout("opt/a.txt")]) { Compression = LayerCompression.Zstd },
/// ]));
/// layout.Tag("v1", image.Manifest);
/// </code>
/// </example>
public sealed class OciLayoutBuilder
{
    /// <summary>The created time written to configs and history: fixed, for stable digests.</summary>
    public const string Created = "2025-01-01T00:00:00Z";

    private readonly List<(string Tag, OciDescriptor Target)> tags = [];

    public OciLayoutBuilder(string directory)
    {
        Directory = System.IO.Directory.CreateDirectory(directory).FullName;
        System.IO.Directory.CreateDirectory(System.IO.Path.Combine(Directory, "blobs", "sha256"));
        File.WriteAllText(System.IO.Path.Combine(Directory, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        WriteIndexJson();
    }

    public string Directory { get; }

    public string BlobPath(string digest) => System.IO.Path.Combine(Directory, "blobs", "sha256", digest["sha256:".Length..]);

    public OciBuiltImage AddImage(OciImageSpec spec)
    {
        var docker = spec.Format == ManifestFormat.Docker;
        var layers = spec.Layers.Select(l => AddLayer(l, docker)).ToList();

        var config = new JsonObject
        {
            ["created"] = Created,
            ["architecture"] = spec.Architecture,
            ["os"] = spec.Os,
        };
        if (spec.Variant is not null)
        {
            config["variant"] = spec.Variant;
        }

        config["config"] = spec.Env is { } env ? new JsonObject { ["Env"] = new JsonArray([.. env.Select(e => (JsonNode)e)]) } : new JsonObject();
        config["rootfs"] = new JsonObject
        {
            ["type"] = "layers",
            ["diff_ids"] = new JsonArray([.. layers.Select(l => JsonValue.Create(l.DiffId))]),
        };
        config["history"] = new JsonArray([.. spec.Layers.Select((l, i) => new JsonObject
        {
            ["created"] = Created,
            ["created_by"] = l.CreatedBy ?? $"nvsdk fixture layer {i}",
        })]);
        var configBlob = AddBlob(docker ? OciMediaTypes.DockerConfig : OciMediaTypes.OciConfig, config);

        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = docker ? OciMediaTypes.DockerManifest : OciMediaTypes.OciManifest,
            ["config"] = Json(configBlob),
            ["layers"] = new JsonArray([.. layers.Select(l => Json(l.Blob))]),
        };
        if (spec.Annotations is { Count: > 0 })
        {
            if (docker)
            {
                throw new ArgumentException("Docker schema 2 manifests carry no annotations", nameof(spec));
            }

            manifest["annotations"] = Annotations(spec.Annotations);
        }

        var manifestBlob = AddBlob((string)manifest["mediaType"]!, manifest);
        return new OciBuiltImage(manifestBlob, configBlob, layers, spec.Architecture, spec.Os, spec.Variant);
    }

    /// <summary>An index (OCI) or manifest list (Docker) naming each image with its platform.</summary>
    public OciBuiltIndex AddIndex(IReadOnlyList<OciBuiltImage> images, ManifestFormat format = ManifestFormat.Oci)
    {
        var mediaType = format == ManifestFormat.Docker ? OciMediaTypes.DockerManifestList : OciMediaTypes.OciIndex;
        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = mediaType,
            ["manifests"] = new JsonArray([.. images.Select(image =>
            {
                var entry = Json(image.Manifest);
                var platform = new JsonObject { ["architecture"] = image.Architecture, ["os"] = image.Os };
                if (image.Variant is not null)
                {
                    platform["variant"] = image.Variant;
                }

                entry["platform"] = platform;
                return entry;
            })]),
        };
        return new OciBuiltIndex(AddBlob(mediaType, index), images);
    }

    /// <summary>Names <paramref name="target"/> (a manifest or index) in index.json with org.opencontainers.image.ref.name.</summary>
    public void Tag(string tag, OciDescriptor target)
    {
        tags.RemoveAll(t => t.Tag == tag);
        tags.Add((tag, target));
        WriteIndexJson();
    }

    /// <summary>The descriptor index.json gives <paramref name="tag"/>, as skopeo's oci: transport resolves it.</summary>
    public OciDescriptor Tagged(string tag) => tags.Single(t => t.Tag == tag).Target;

    /// <summary>Writes raw bytes as a blob (for hand-made manifests, e.g. ones that lie about sizes).</summary>
    public OciDescriptor AddBlob(string mediaType, byte[] bytes)
    {
        var digest = OciDigest.Of(bytes);
        var path = BlobPath(digest);
        if (!File.Exists(path))
        {
            File.WriteAllBytes(path, bytes);
        }

        return new OciDescriptor(mediaType, digest, bytes.Length);
    }

    private OciDescriptor AddBlob(string mediaType, JsonObject json) => AddBlob(mediaType, Encoding.UTF8.GetBytes(json.ToJsonString()));

    private OciBuiltLayer AddLayer(OciLayerSpec spec, bool docker)
    {
        var mediaType = (spec.Compression, docker) switch
        {
            (LayerCompression.None, false) => OciMediaTypes.OciLayerTar,
            (LayerCompression.Gzip, false) => OciMediaTypes.OciLayerGzip,
            (LayerCompression.Zstd, false) => OciMediaTypes.OciLayerZstd,
            (LayerCompression.None, true) => OciMediaTypes.DockerLayerTar,
            (LayerCompression.Gzip, true) => OciMediaTypes.DockerLayerGzip,
            _ => throw new ArgumentException("Docker schema 2 has no zstd layer media type", nameof(spec)),
        };

        // One pass: tar -> hash (diff_id) -> compressor -> hash (digest) -> a temp file beside blobs/, so the
        // final move is a rename on one file system.
        var blobPath = System.IO.Path.Combine(Directory, $"layer-{Guid.NewGuid():N}.partial");
        try
        {
            string diffId, digest;
            long size;
            using var tarHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using var blobHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using (var file = File.Create(blobPath))
            using (var compressed = new HashingWriteStream(file, blobHash))
            {
                using (var compressor = LayerCodec.Compressor(compressed, spec.Compression))
                using (var tar = new HashingWriteStream(compressor, tarHash))
                {
                    LayerTarWriter.WriteTar(spec.Entries, spec.TarFormat, tar);
                    diffId = "sha256:" + Convert.ToHexStringLower(tarHash.GetCurrentHash());
                }

                digest = "sha256:" + Convert.ToHexStringLower(blobHash.GetCurrentHash());
                size = compressed.Written;
            }

            File.Move(blobPath, BlobPath(digest), overwrite: true);
            return new OciBuiltLayer(new OciDescriptor(mediaType, digest, size), diffId);
        }
        finally
        {
            File.Delete(blobPath);
        }
    }

    private void WriteIndexJson()
    {
        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciMediaTypes.OciIndex,
            ["manifests"] = new JsonArray([.. tags.Select(t =>
            {
                var entry = Json(t.Target);
                entry["annotations"] = new JsonObject { [OciMediaTypes.RefNameAnnotation] = t.Tag };
                return entry;
            })]),
        };
        File.WriteAllText(System.IO.Path.Combine(Directory, "index.json"), index.ToJsonString());
    }

    private static JsonObject Json(OciDescriptor d) => new() { ["mediaType"] = d.MediaType, ["digest"] = d.Digest, ["size"] = d.Size };

    private static JsonObject Annotations(IReadOnlyDictionary<string, string> annotations)
    {
        var json = new JsonObject();
        foreach (var (key, value) in annotations.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            json[key] = value;
        }

        return json;
    }
}
