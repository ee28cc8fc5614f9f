using Nvsdk.Core.Errors;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Oci.Registry;

/// <summary>
/// An image reference as Docker spells it: [docker://][registry[:port]/]repository[:tag][@sha256:digest].
/// A first path part without a dot, colon or "localhost" is not a registry (docker.io's library/ rule).
/// </summary>
public sealed record ImageReference(string Registry, string Repository, string? Tag, Sha256Digest? Digest)
{
    public const string DockerHub = "registry-1.docker.io";

    /// <summary>The tag or digest a manifest request names: the digest wins when both are given.</summary>
    public string Reference => Digest is { } d ? $"sha256:{d.Hex}" : Tag ?? "latest";

    /// <summary>Loopback registries speak plain HTTP, as Docker and skopeo assume for localhost.</summary>
    public bool IsLoopback => Host is "localhost" or "127.0.0.1" or "[::1]" || Host.StartsWith("127.", StringComparison.Ordinal);

    public string Host => Registry.StartsWith('[') ? Registry[..(Registry.IndexOf(']', StringComparison.Ordinal) + 1)] : Registry.Split(':')[0];

    public ImageReference WithDigest(Sha256Digest digest) => this with { Digest = digest };

    public override string ToString() =>
        $"{Registry}/{Repository}{(Tag is null ? string.Empty : ":" + Tag)}{(Digest is { } d ? "@sha256:" + d.Hex : string.Empty)}";

    public static ImageReference Parse(string text)
    {
        return TryParse(text, out var reference, out var problem)
            ? reference
            : throw new UsageException($"'{text}' is not an image reference ({problem}); expected registry/repository:tag or registry/repository@sha256:<64 hex>");
    }

    public static bool TryParse(string text, out ImageReference reference, out string? problem)
    {
        reference = null!;
        problem = null;
        var rest = text.StartsWith("docker://", StringComparison.Ordinal) ? text["docker://".Length..] : text;
        Sha256Digest? digest = null;
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            if (!Sha256Digest.TryParse(rest[(at + 1)..], out var parsed) || !rest[(at + 1)..].StartsWith("sha256:", StringComparison.Ordinal))
            {
                problem = "the digest must be sha256:<64 hex>";
                return false;
            }

            digest = parsed;
            rest = rest[..at];
        }

        string? tag = null;
        var lastSlash = rest.LastIndexOf('/');
        var colon = rest.LastIndexOf(':');
        if (colon > lastSlash)
        {
            tag = rest[(colon + 1)..];
            rest = rest[..colon];
            if (!IsTag(tag))
            {
                problem = $"'{tag}' is not a valid tag";
                return false;
            }
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        string registry;
        if (slash > 0 && (rest[..slash].Contains('.', StringComparison.Ordinal) || rest[..slash].Contains(':', StringComparison.Ordinal) || rest[..slash] == "localhost" || rest[..slash].StartsWith('[')))
        {
            registry = rest[..slash];
            rest = rest[(slash + 1)..];
        }
        else
        {
            registry = DockerHub;
            rest = rest.Contains('/', StringComparison.Ordinal) ? rest : "library/" + rest;
        }

        if (registry == "docker.io" || registry == "index.docker.io")
        {
            registry = DockerHub;
        }

        if (rest.Length == 0 || rest.Split('/').Any(p => !IsPathComponent(p)))
        {
            problem = $"'{rest}' is not a valid repository name (lower-case letters, digits, . _ - separated by /)";
            return false;
        }

        reference = new ImageReference(registry, rest, tag ?? (digest is null ? "latest" : null), digest);
        return true;
    }

    /// <summary>Tags: [A-Za-z0-9_][A-Za-z0-9._-]{0,127}, per the distribution spec.</summary>
    public static bool IsTag(string tag) =>
        tag.Length is > 0 and <= 128
        && (char.IsAsciiLetterOrDigit(tag[0]) || tag[0] == '_')
        && tag.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');

    private static bool IsPathComponent(string part) =>
        part.Length > 0
        && char.IsAsciiLetterLower(part[0]) | char.IsAsciiDigit(part[0])
        && char.IsAsciiLetterLower(part[^1]) | char.IsAsciiDigit(part[^1])
        && part.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '_' or '-');
}
