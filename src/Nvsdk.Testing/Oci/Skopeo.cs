using System.Globalization;
using System.Text.Json.Nodes;
using OciMediaTypes = Nvsdk.Core.Oci.OciMediaTypes;

namespace Nvsdk.Testing.Oci;

/// <summary>
/// Debian's skopeo (1.9) copying between an OCI layout folder and a registry on loopback: how the tests
/// fill a registry, and the reference pull the benchmarks compare ours with. Each run is isolated from the
/// machine's container config: an accept-anything --policy file, an empty registries.conf, no auth file,
/// and its own --tmpdir, all in a temp folder (nothing under /etc or $HOME is read or written).
/// </summary>
/// <example>
/// <code>
/// var digest = await Skopeo.CopyToRegistryAsync(layout.Directory, "v1", registry, "nvsdk/cuda", "v1");
/// await Skopeo.CopyFromRegistryAsync(registry, "nvsdk/cuda", "v1", temp.Combine("pulled"), "v1", new() { All = true });
/// </code>
/// </example>
public static class Skopeo
{
    public const string MissingReason = "skopeo is not installed: apt-get install skopeo (scripts/deps.sh), or set NVSDK_SKOPEO";

    private const string Policy = """{"default":[{"type":"insecureAcceptAnything"}]}""";

    /// <summary>The skopeo executable, or null (tests then skip with <see cref="MissingReason"/>).</summary>
    public static string? Executable =>
        Environment.GetEnvironmentVariable("NVSDK_SKOPEO") is { Length: > 0 } configured && File.Exists(configured)
            ? configured
            : ProcessRunner.Which("skopeo");

    /// <summary>Pushes the layout's <paramref name="layoutTag"/> to <paramref name="registry"/>, with its credentials if it has them.</summary>
    public static Task<string> CopyToRegistryAsync(string layoutDir, string layoutTag, DockerRegistryServer registry, string repository, string tag) =>
        CopyToRegistryAsync(layoutDir, layoutTag, registry.Host, repository, tag, registry.Credentials);

    /// <summary>
    /// `skopeo copy --preserve-digests [--all] oci:DIR:TAG docker://HOST/REPO:TAG` over plain HTTP; --all when
    /// the tag names an index, so every platform's image goes too. Returns the pushed manifest (or index)
    /// digest, checked equal to the layout's: skopeo would otherwise be free to convert and re-digest.
    /// </summary>
    public static async Task<string> CopyToRegistryAsync(
        string layoutDir, string layoutTag, string registryHost, string repository, string tag, RegistryCredentials? credentials = null)
    {
        var expected = LayoutDescriptor(layoutDir, layoutTag);
        if (expected.MediaType is OciMediaTypes.DockerManifest or OciMediaTypes.DockerManifestList)
        {
            // skopeo would say "no descriptor found for reference": its oci: transport skips non-OCI entries.
            throw new NotSupportedException($"skopeo 1.9 cannot push {layoutTag} ({expected.MediaType}) from an OCI layout; use RegistryPush");
        }

        using var scratch = new TempDir("nvsdk-skopeo-");
        var digestFile = scratch.Combine("digest");
        List<string> args = ["copy", "--quiet", "--preserve-digests", "--dest-tls-verify=false", "--digestfile", digestFile];
        if (credentials is not null)
        {
            args.AddRange(["--dest-creds", credentials.SkopeoForm]);
        }

        if (OciMediaTypes.IsIndex(expected.MediaType))
        {
            args.Add("--all");
        }

        args.AddRange([$"oci:{Path.GetFullPath(layoutDir)}:{layoutTag}", $"docker://{registryHost}/{repository}:{tag}"]);
        await RunAsync(scratch, [], args);

        var pushed = (await File.ReadAllTextAsync(digestFile)).Trim();
        if (pushed != expected.Digest)
        {
            throw new InvalidOperationException($"skopeo pushed {repository}:{tag} as {pushed}, but the layout's {layoutTag} is {expected.Digest}");
        }

        return pushed;
    }

    /// <summary>Pulls from <paramref name="registry"/> (with its credentials if it has them) into an OCI layout.</summary>
    public static Task CopyFromRegistryAsync(
        DockerRegistryServer registry, string repository, string tag, string layoutDir, string layoutTag, SkopeoPullOptions? options = null) =>
        CopyFromRegistryAsync(registry.Host, repository, tag, layoutDir, layoutTag, registry.Credentials, options);

    /// <summary>
    /// `skopeo copy docker://HOST/REPO:TAG oci:DIR:TAG` over plain HTTP, creating or adding to the layout.
    /// By default only the image for this machine's platform (or <see cref="SkopeoPullOptions.Architecture"/>).
    /// </summary>
    public static async Task CopyFromRegistryAsync(
        string registryHost, string repository, string tag, string layoutDir, string layoutTag, RegistryCredentials? credentials = null, SkopeoPullOptions? options = null)
    {
        options ??= new SkopeoPullOptions();
        using var scratch = new TempDir("nvsdk-skopeo-");
        List<string> global = [];
        if (options.Architecture is not null)
        {
            global.AddRange(["--override-arch", options.Architecture]);
        }

        if (options.Variant is not null)
        {
            global.AddRange(["--override-variant", options.Variant]);
        }

        List<string> args = ["copy", "--quiet", "--src-tls-verify=false"];
        if (options.PreserveDigests)
        {
            args.Add("--preserve-digests");
        }

        if (options.All)
        {
            args.Add("--all");
        }

        if (credentials is not null)
        {
            args.AddRange(["--src-creds", credentials.SkopeoForm]);
        }

        Directory.CreateDirectory(layoutDir);
        args.AddRange([$"docker://{registryHost}/{repository}:{tag}", $"oci:{Path.GetFullPath(layoutDir)}:{layoutTag}"]);
        await RunAsync(scratch, global, args);
    }

    /// <summary>The descriptor an OCI layout's index.json gives <paramref name="tag"/> (org.opencontainers.image.ref.name).</summary>
    public static OciDescriptor LayoutDescriptor(string layoutDir, string tag)
    {
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(layoutDir, "index.json")))!;
        foreach (var m in index["manifests"]!.AsArray())
        {
            if ((string?)m!["annotations"]?[OciMediaTypes.RefNameAnnotation] == tag)
            {
                return new OciDescriptor((string)m["mediaType"]!, (string)m["digest"]!, (long)m["size"]!);
            }
        }

        throw new ArgumentException($"{layoutDir}/index.json names no {tag}", nameof(tag));
    }

    private static async Task RunAsync(TempDir scratch, IReadOnlyList<string> global, IReadOnlyList<string> copy)
    {
        var skopeo = Executable ?? throw new InvalidOperationException(MissingReason);
        var policy = scratch.Combine("policy.json");
        await File.WriteAllTextAsync(policy, Policy);
        var registriesConf = scratch.Combine("registries.conf");
        await File.WriteAllTextAsync(registriesConf, string.Empty);
        var registriesD = Directory.CreateDirectory(scratch.Combine("registries.d")).FullName;
        var tmp = Directory.CreateDirectory(scratch.Combine("tmp")).FullName;
        var environment = new Dictionary<string, string?>
        {
            // The host's registries.conf could redirect 127.0.0.1 through a mirror; its auth.json could add credentials.
            ["CONTAINERS_REGISTRIES_CONF"] = registriesConf,
            ["REGISTRY_AUTH_FILE"] = scratch.Combine("auth.json"),
        };
        List<string> args = ["--policy", policy, "--registries.d", registriesD, "--tmpdir", tmp, .. global, .. copy];
        var result = await ProcessRunner.RunAsync(skopeo, args, environment: environment, timeout: TimeSpan.FromMinutes(10));
        if (result.ExitCode != 0)
        {
            // The command line as run, less the password.
            var shown = string.Join(' ', args.Select((a, i) => i > 0 && args[i - 1].EndsWith("-creds", StringComparison.Ordinal) ? "USER:***" : a));
            throw new InvalidOperationException(
                string.Create(CultureInfo.InvariantCulture, $"skopeo {shown} failed (exit {result.ExitCode}):\n{result.Stderr.Trim()}"));
        }
    }
}
