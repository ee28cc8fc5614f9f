using System.Text.Json;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.LockFile;

/// <summary>
/// Reads nvsdk.lock.json strictly: unknown keys, wrong types and malformed values are errors that name the
/// JSON path. Parsing walks a <see cref="JsonDocument"/> by hand (no reflection, so it is trim- and AOT-safe)
/// and collects every problem, so `check` can report them all at once.
/// </summary>
public static class LockFileParser
{
    public const int SupportedLockVersion = 1;

    /// <summary>Reads and parses a lock file; throws <see cref="LockFileException"/> naming the first problem.</summary>
    public static LockFile Load(string path)
    {
        var (lockFile, diagnostics) = Parse(path, ReadFile(path));
        var firstError = diagnostics.FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error);
        if (firstError is not null || lockFile is null)
        {
            throw new LockFileException(path, firstError?.JsonPath ?? "$", firstError?.Message ?? "not a lock file");
        }

        return lockFile;
    }

    /// <summary>Reads the file's bytes, turning I/O failures into one clear line.</summary>
    public static byte[] ReadFile(string path)
    {
        if (Directory.Exists(path))
        {
            throw new LockFileException(path, "$", "is a folder, not a lock file; pass --lock FILE");
        }

        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LockFileException(path, "$", $"cannot read the lock file ({Platform.UserFile.Why(e)}); pass --lock FILE", e);
        }
    }

    /// <summary>Parses lock file bytes; returns the lock (null if it could not be built) and every problem found.</summary>
    public static (LockFile? LockFile, IReadOnlyList<LockDiagnostic> Diagnostics) Parse(string path, ReadOnlyMemory<byte> utf8)
    {
        var sink = new List<LockDiagnostic>();

        // JsonDocument checks a string's UTF-8 (and its \u escapes) only when the string is read, and then
        // throws InvalidOperationException: check the bytes first (the escapes are caught below).
        if (!System.Text.Unicode.Utf8.IsValid(utf8.Span))
        {
            sink.Add(Error("json", "$", "not valid UTF-8"));
            return (null, sink);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException e)
        {
            var where = $"line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}";
            sink.Add(Error("json", "$", $"not valid JSON at {where}"));
            return (null, sink);
        }

        using (document)
        {
            try
            {
                var lockFile = ParseRoot(path, new JsonNode(document.RootElement, "$", sink));
                return (sink.Any(d => d.Severity == DiagnosticSeverity.Error) ? null : lockFile, sink);
            }
            catch (InvalidOperationException e) when (e.Message.Contains("UTF-16", StringComparison.Ordinal) || e.InnerException is System.Text.DecoderFallbackException)
            {
                sink.Add(Error("json", "$", "a string holds an escape that is not valid Unicode (a lone surrogate)"));
                return (null, sink);
            }
        }
    }

    private static LockFile? ParseRoot(string path, JsonNode root)
    {
        if (!root.ExpectObject("lockVersion", "sdk", "systems", "components"))
        {
            return null;
        }

        var version = root.Required("lockVersion")?.Int32();
        if (version is not null and not SupportedLockVersion)
        {
            root.Report("version", "lockVersion", $"lock version {version} is not supported; this nvsdk reads version {SupportedLockVersion}");
        }

        string? cuda = null;
        string? driver = null;
        var sdk = root.Required("sdk");
        if (sdk is not null && sdk.ExpectObject("cuda", "driver"))
        {
            cuda = sdk.Required("cuda")?.String();
            if (cuda is not null && !IsDottedVersion(cuda))
            {
                sdk.Report("version", "cuda", $"'{cuda}' is not a version like 13.1.0");
                cuda = null;
            }

            // The driver the toolkit release wants (its manifest's nvidia_driver.version): doctor's floor.
            driver = sdk.Optional("driver")?.String();
            if (driver is not null && !IsDottedVersion(driver))
            {
                sdk.Report("version", "driver", $"'{driver}' is not a driver version like 590.48.01");
                driver = null;
            }
        }

        var systems = root.Required("systems")?.Array(item => ParseSystem(item)) ?? [];
        var components = root.Required("components")?.Array(ParseComponent) ?? [];
        if (version is null || cuda is null)
        {
            return null;
        }

        return new LockFile(path, version.Value, cuda, systems.OfType<SystemId>().ToList(), components.OfType<Component>().ToList()) { DriverVersion = driver };
    }

    private static Component? ParseComponent(JsonNode node)
    {
        if (!node.ExpectObject("name", "version", "license", "cudaMajor", "provides", "artifacts"))
        {
            return null;
        }

        var nameText = node.Required("name")?.String();
        ComponentId? id = null;
        if (nameText is not null)
        {
            if (ComponentId.TryParse(nameText, out var parsed))
            {
                id = parsed;
            }
            else
            {
                node.Report("name", "name", $"'{nameText}' is not a component name (lower-case letters, digits, '-', '_')");
            }
        }

        var version = node.Required("version")?.NonEmptyString();
        var license = node.Required("license")?.NonEmptyString();
        var cudaMajor = node.Optional("cudaMajor")?.Int32();
        var provides = node.Optional("provides")?.Array(p => p.NonEmptyString()) ?? [];
        if (id is null || version is null)
        {
            node.Required("artifacts");
            return null;
        }

        var artifacts = node.Required("artifacts")?.Array(a => ParseArtifact(a, id.Value, version)) ?? [];
        if (artifacts.Count == 0 && node.Optional("artifacts") is not null)
        {
            node.Report("coverage", "artifacts", "a component needs at least one artifact");
        }

        return license is null
            ? null
            : new Component(id.Value, version, license, cudaMajor, provides.OfType<string>().ToList(), artifacts.OfType<Artifact>().ToList(), node.Path);
    }

    private static Artifact? ParseArtifact(JsonNode node, ComponentId component, string componentVersion)
    {
        if (!node.ExpectObject("file", "version", "systems", "format", "sha256", "size", "unpinned", "sources"))
        {
            return null;
        }

        var file = node.Required("file")?.NonEmptyString();
        if (file is not null && (file.Contains('/', StringComparison.Ordinal) || file is "." or ".."))
        {
            node.Report("file", "file", $"'{file}' must be a plain file name, without '/'");
            file = null;
        }

        var version = node.Optional("version")?.NonEmptyString() ?? componentVersion;
        var systems = node.Required("systems")?.Array(ParseSystem) ?? [];
        if (systems.Count == 0 && node.Optional("systems") is not null)
        {
            node.Report("coverage", "systems", "list at least one system (x86_64-linux, aarch64-linux)");
        }

        ArtifactFormat? format = null;
        var formatText = node.Required("format")?.String();
        if (formatText is not null)
        {
            if (ArtifactFormatNames.TryParse(formatText, out var f))
            {
                format = f;
            }
            else
            {
                node.Report("format", "format", $"unknown format '{formatText}'; use one of {ArtifactFormatNames.Known}");
            }
        }

        var (digest, digestOk) = ParseDigest(node);
        var unpinned = node.Optional("unpinned")?.NonEmptyString();
        if (digest is null && digestOk && unpinned is null)
        {
            node.Report("unpinned", "sha256", "no digest: pin the sha256, or mark the entry unpinned with a reason");
        }
        else if (digest is not null && unpinned is not null)
        {
            node.Report("unpinned", "unpinned", "an entry with a sha256 cannot also be unpinned");
        }

        long? size = null;
        var sizeNode = node.Optional("size");
        if (sizeNode is not null && !sizeNode.IsNull)
        {
            size = sizeNode.Int64();
            if (size is <= 0)
            {
                sizeNode.Report("size", null, "size must be a positive number of bytes");
            }
        }

        var sources = node.Required("sources")?.Array(ParseSource) ?? [];
        if (sources.Count == 0 && node.Optional("sources") is not null)
        {
            node.Report("sources", "sources", "list at least one source URL");
        }

        if (file is null || format is null || !digestOk)
        {
            return null;
        }

        return new Artifact(
            component,
            version,
            file,
            format.Value,
            systems.OfType<SystemId>().ToList(),
            digest,
            size,
            sources.OfType<ArtifactSource>().ToList(),
            unpinned,
            node.Path);
    }

    private static (Sha256Digest? Digest, bool Ok) ParseDigest(JsonNode node)
    {
        var digestNode = node.Required("sha256");
        if (digestNode is null)
        {
            return (null, false);
        }

        if (digestNode.IsNull)
        {
            return (null, true);
        }

        var text = digestNode.String();
        if (text is null)
        {
            return (null, false);
        }

        if (text.Length == 64 && Sha256Digest.TryParse(text, out var digest) && text == digest.Hex)
        {
            return (digest, true);
        }

        digestNode.Report("digest", null, text.StartsWith("sha256-", StringComparison.Ordinal)
            ? $"'{text}' is an SRI hash; write the 64 lower-case hex characters (e.g. from sha256sum)"
            : $"'{text}' is not 64 lower-case hex characters");
        return (null, false);
    }

    private static ArtifactSource? ParseSource(JsonNode node)
    {
        if (!node.ExpectObject("url", "role"))
        {
            return null;
        }

        var urlText = node.Required("url")?.NonEmptyString();
        var roleText = node.Required("role")?.String();
        SourceRole? role = roleText switch
        {
            "mirror" => SourceRole.Mirror,
            "upstream" => SourceRole.Upstream,
            null => null,
            _ => null,
        };
        if (roleText is not null && role is null)
        {
            node.Report("role", "role", $"unknown role '{roleText}'; use mirror or upstream");
        }

        Uri? url = null;
        if (urlText is not null)
        {
            // On Linux Uri also accepts a bare "/path" as file://; the lock must spell the scheme out.
            if (urlText.Contains("://", StringComparison.Ordinal) && Uri.TryCreate(urlText, UriKind.Absolute, out var parsed) && SourceUrl.IsSupportedScheme(parsed))
            {
                url = parsed;
            }
            else
            {
                node.Report("url", "url", $"'{urlText}' is not an absolute https://, http://, file:// or docker:// URL");
            }
        }

        return url is null || role is null ? null : new ArtifactSource(url, role.Value);
    }

    private static SystemId? ParseSystem(JsonNode node)
    {
        var text = node.String();
        if (text is null)
        {
            return null;
        }

        if (SystemId.TryParse(text, out var system))
        {
            return system;
        }

        node.Report("system", null, $"unknown system '{text}'; use x86_64-linux or aarch64-linux");
        return null;
    }

    private static bool IsDottedVersion(string text)
    {
        var parts = text.Split('.');
        return parts.Length is >= 2 and <= 4 && parts.All(p => p.Length > 0 && p.All(char.IsAsciiDigit));
    }

    private static LockDiagnostic Error(string code, string path, string message) =>
        new(DiagnosticSeverity.Error, code, path, message);
}
