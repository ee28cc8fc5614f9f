using System.Text;
using Nvsdk.Core.Host.Config;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Metrics;
using Nvsdk.Core.Oci;
using Nvsdk.Core.Oci.Registry;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Unpack;
using Nvsdk.Core.Update;

namespace Nvsdk.Fuzz;

/// <summary>
/// One fuzz target per reader of untrusted bytes, each through the same code nvsdk runs (the archive
/// readers with the safety layer and its limits). Each gets the input bytes and a fresh staging folder.
/// Nothing here touches Nvsdk.Core before the fuzzer starts: instrumented code run earlier (a static
/// initialiser) writes to afl's coverage map before it exists.
/// </summary>
internal static class Targets
{
    /// <summary>Small limits, so a bomb is refused within the fuzzer's time and memory.</summary>
    private static UnpackLimits Limits => new() { MaxTotalBytes = 16 << 20, MaxEntries = 10_000, RatioGraceBytes = 1 << 20, MaxRatio = 200 };

    private static ImageReference Image => ImageReference.Parse("registry.example/fuzz:latest");

    public static readonly IReadOnlyDictionary<string, Action<byte[], string>> All = new Dictionary<string, Action<byte[], string>>(StringComparer.Ordinal)
    {
        ["tar"] = (bytes, staging) => Unpack(bytes, staging, "in.tar.gz", ArtifactFormat.TarGz, gzip: true),
        ["tar-raw"] = TarRaw,
        ["cache-layer"] = CacheLayer,
        ["zip"] = (bytes, staging) => Unpack(bytes, staging, "in.whl", ArtifactFormat.Zip, gzip: false),
        ["makeself"] = (bytes, staging) => Unpack(bytes, staging, "in.run", ArtifactFormat.Makeself, gzip: false),
        ["xz"] = (bytes, staging) => Unpack(bytes, staging, "in.tar.xz", ArtifactFormat.TarXz, gzip: false),
        ["lock"] = (bytes, _) => LockFileParser.Parse("fuzz.lock.json", bytes),
        ["redistrib"] = (bytes, _) => RedistribManifest.Parse("redistrib_fuzz.json", bytes),
        ["host-toml"] = (bytes, _) => HostConfigParser.Parse("host.toml", Encoding.UTF8.GetString(bytes)),
        ["oci-manifest"] = (bytes, _) => RegistryClient.ParseManifest(Image, new ManifestResponse(bytes, OciMediaTypes.OciManifest, Sha256Digest.Of(bytes))),
        ["oci-index"] = (bytes, _) => OciPlatforms.Select(RegistryClient.ParseIndex(Image, bytes).Manifests, OciPlatforms.Default),
        ["exporter-http"] = (bytes, _) => HttpRequestHead.Parse(Encoding.ASCII.GetString(bytes)),
    };

    /// <summary>An archive file through <see cref="ArchiveUnpacker"/>, as `install` unpacks it.</summary>
    private static void Unpack(byte[] bytes, string staging, string name, ArtifactFormat format, bool gzip)
    {
        var archive = Path.Combine(staging, "..", name);
        File.WriteAllBytes(archive, bytes);
        try
        {
            ArchiveUnpacker.UnpackAsync(archive, format, Path.Combine(staging, "tree"), LayoutRule.Identity(), Limits).GetAwaiter().GetResult();
        }
        finally
        {
            File.Delete(archive);
        }
    }

    /// <summary>
    /// A cache layer's tar as a pull unpacks it: file parts (PAX NVSDK.part.*) joined across two writers that share
    /// one joiner (the input's members go to the first, then the same bytes again to the second, so parts meet
    /// parts of another layer), files not hashed (signed layers), then the incompleteness check and the symlinks.
    /// </summary>
    private static void CacheLayer(byte[] bytes, string staging)
    {
        var tree = Path.Combine(staging, "tree");
        using var joiner = new FilePartJoiner();
        var writers = new[] { 0, 1 }.Select(_ => new SafeTreeWriter(tree, "cache-layer", bytes.Length, Limits) { Parts = joiner, HashFiles = false }).ToList();
        foreach (var writer in writers)
        {
            TarUnpacker.UnpackAsync(new MemoryStream(bytes), writer, LayoutRule.Identity(), CancellationToken.None).GetAwaiter().GetResult();
        }

        _ = joiner.Incomplete();
        foreach (var writer in writers)
        {
            writer.Complete();
        }
    }

    /// <summary>Uncompressed tar straight into the tar reader and the safety layer (no gzip layer for the fuzzer to get through).</summary>
    private static void TarRaw(byte[] bytes, string staging)
    {
        var writer = new SafeTreeWriter(Path.Combine(staging, "tree"), "in.tar", bytes.Length, Limits);
        TarUnpacker.UnpackAsync(new MemoryStream(bytes), writer, LayoutRule.Identity(), CancellationToken.None).GetAwaiter().GetResult();
        writer.Complete();
    }
}
