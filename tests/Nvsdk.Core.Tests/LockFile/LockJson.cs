using System.Text;
using System.Text.Json.Nodes;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Tests.LockFile;

/// <summary>
/// Builds small, valid lock files as mutable JSON so that each test breaks exactly one thing,
/// and finds the repository's shipped nvsdk.lock.json.
/// </summary>
internal static class LockJson
{
    public const string X86 = "x86_64-linux";
    public const string Arm = "aarch64-linux";

    public const string CudnnX86File = "cudnn-linux-x86_64-9.17.0.29_cuda13-archive.tar.xz";
    public const string CudnnArmFile = "cudnn-linux-sbsa-9.17.0.29_cuda13-archive.tar.xz";

    /// <summary>
    /// A valid lock: one cudnn component with an x86_64 and an aarch64 tar.xz, each listing a mirror then upstream.
    /// </summary>
    public static JsonObject Valid() =>
        Root(Component("cudnn", "9.17.0.29", Artifact(CudnnX86File, "tar.xz", X86), Artifact(CudnnArmFile, "tar.xz", Arm)));

    public static JsonObject Root(params JsonObject[] components) => new()
    {
        ["lockVersion"] = 1,
        ["sdk"] = new JsonObject { ["cuda"] = "13.1.0" },
        ["systems"] = new JsonArray(X86, Arm),
        ["components"] = new JsonArray(components),
    };

    public static JsonObject Component(string name, string version, params JsonObject[] artifacts) => new()
    {
        ["name"] = name,
        ["version"] = version,
        ["license"] = "test license",
        ["cudaMajor"] = 13,
        ["provides"] = new JsonArray(name),
        ["artifacts"] = new JsonArray(artifacts),
    };

    /// <summary>An artifact pinned to a digest derived from its file name, with a mirror and an upstream source.</summary>
    public static JsonObject Artifact(string file, string format, params string[] systems) => new()
    {
        ["file"] = file,
        ["systems"] = new JsonArray([.. systems.Select(s => (JsonNode)JsonValue.Create(s))]),
        ["format"] = format,
        ["sha256"] = DigestOf(file),
        ["size"] = 1234,
        ["sources"] = new JsonArray(Source(MirrorUrl(file), "mirror"), Source(UpstreamUrl(file), "upstream")),
    };

    public static JsonObject Source(string url, string role) => new() { ["url"] = url, ["role"] = role };

    public static string MirrorUrl(string file) => $"https://mirror.example/nvidia/{file}";

    public static string UpstreamUrl(string file) => $"https://upstream.example/redist/{file}";

    /// <summary>A distinct, valid lower-case digest for each seed.</summary>
    public static string DigestOf(string seed) => Sha256Digest.Of(Encoding.UTF8.GetBytes(seed)).Hex;

    public static JsonObject ComponentAt(JsonObject root, int component) =>
        root["components"]![component]!.AsObject();

    public static JsonObject ArtifactAt(JsonObject root, int component, int artifact) =>
        ComponentAt(root, component)["artifacts"]![artifact]!.AsObject();

    public static JsonArray SourcesAt(JsonObject root, int component, int artifact) =>
        ArtifactAt(root, component, artifact)["sources"]!.AsArray();

    public static byte[] Bytes(JsonNode root) => Encoding.UTF8.GetBytes(root.ToJsonString());

    public static string ShippedLockPath => Nvsdk.Testing.RepoPaths.ShippedLock;
}
