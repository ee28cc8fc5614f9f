using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nvsdk.Core.Errors;

namespace Nvsdk.Core.Host.Docker;

/// <summary>
/// Edits Docker's <c>daemon.json</c> so the daemon resolves CDI devices (<c>features.cdi = true</c>, plus a
/// spec directory when one outside Docker's defaults is asked for). The file is foreign: it is read as a loose
/// <see cref="JsonObject"/>, so every key nvsdk does not know survives, in its order, with its value as written.
/// Pure: text in, text out; the caller reads and writes the file.
/// </summary>
public static class DockerDaemonConfig
{
    /// <summary>Where dockerd reads its configuration on Linux.</summary>
    public const string DefaultPath = "/etc/docker/daemon.json";

    /// <summary>
    /// The directories dockerd scans for CDI specs when <c>cdi-spec-dirs</c> is not set. Setting that key
    /// replaces them, so when nvsdk has to create it, it lists these too.
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultCdiSpecDirs = ["/etc/cdi", "/var/run/cdi"];

    private const string FeaturesKey = "features";
    private const string CdiKey = "cdi";
    private const string CdiSpecDirsKey = "cdi-spec-dirs";

    // Same grammar as dockerd (Go's encoding/json): no comments, no trailing commas.
    private static readonly JsonDocumentOptions ParseOptions = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    private static readonly JsonWriterOptions WriteOptions = new()
    {
        Indented = true,
        IndentCharacter = ' ',
        IndentSize = 2,
        NewLine = "\n",

        // The file is read by people and by dockerd, never embedded in HTML: keep "+", "<", "&" and non-ASCII
        // text as written instead of \uXXXX escapes. Quotes and control characters are still escaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// The new text of <c>daemon.json</c> with CDI enabled. <paramref name="existingJson"/> is the file as it
    /// is (null or blank when there is none). When it already enables CDI (and lists
    /// <paramref name="cdiSpecDir"/>, if given), it is returned unchanged, the same string, so applying the
    /// result is a no-op; otherwise the whole file is rewritten with two-space indentation and a final newline.
    /// </summary>
    /// <param name="existingJson">The current file, or null/blank when there is none.</param>
    /// <param name="cdiSpecDir">
    /// A directory dockerd must scan for CDI specs. Nothing is added when it is null or one of Docker's default
    /// directories and <c>cdi-spec-dirs</c> is not set; when it is set, the directory is appended unless listed.
    /// </param>
    /// <exception cref="NvsdkException">
    /// <see cref="ErrorCode.InvalidInput"/>: the file is not valid JSON, is not an object, or has a
    /// <c>features</c> or <c>cdi-spec-dirs</c> of the wrong type. The message says where and that the file was
    /// left untouched.
    /// </exception>
    public static string EnableCdi(string? existingJson, string? cdiSpecDir = null)
    {
        if (cdiSpecDir is not null && (cdiSpecDir.Length == 0 || cdiSpecDir[0] != '/'))
        {
            throw new ArgumentException($"a CDI spec directory must be an absolute path, not \"{cdiSpecDir}\"", nameof(cdiSpecDir));
        }

        var root = Parse(existingJson) ?? [];
        var changed = SetCdiFeature(root);
        if (cdiSpecDir is not null)
        {
            changed |= AddSpecDir(root, cdiSpecDir);
        }

        if (!changed && existingJson is not null)
        {
            return existingJson;
        }

        return Write(root);
    }

    /// <summary>
    /// <see cref="EnableCdi(string?, string?)"/> over the file's bytes, which are returned exactly (a byte order mark
    /// included) when nothing needs to change. Bytes that are not UTF-8 are refused rather than rewritten as U+FFFD.
    /// </summary>
    public static string EnableCdiUtf8(byte[]? existing, string? cdiSpecDir = null)
    {
        if (existing is null)
        {
            return EnableCdi((string?)null, cdiSpecDir);
        }

        string text;
        try
        {
            text = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(existing);
        }
        catch (System.Text.DecoderFallbackException e)
        {
            throw new NvsdkException(ErrorCode.InvalidInput, $"{DefaultPath} is not UTF-8 text (byte {e.Index} of it); it was left untouched", e)
            {
                Hint = "fix the file's encoding (dockerd reads UTF-8), then run this again",
            };
        }

        return EnableCdi(text, cdiSpecDir);
    }

    /// <summary>
    /// What <c>daemon.json</c> says about CDI: <c>features.cdi</c> when it is a boolean, null when the file is
    /// absent or blank or does not set it (then the daemon's built-in default applies, which depends on the
    /// engine version).
    /// </summary>
    /// <exception cref="NvsdkException">
    /// <see cref="ErrorCode.InvalidInput"/>: as for <see cref="EnableCdi(string?, string?)"/>, or <c>features.cdi</c> is not a
    /// boolean (dockerd itself refuses such a file).
    /// </exception>
    public static bool? CdiEnabled(string? json)
    {
        var root = Parse(json);
        if (root is null || Features(root, create: false) is not { } features || !features.TryGetPropertyValue(CdiKey, out var cdi))
        {
            return null;
        }

        return cdi?.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Invalid($"\"{FeaturesKey}.{CdiKey}\" is {Describe(cdi)}, not true or false"),
        };
    }

    /// <summary>Parses the file as dockerd would; null when there is no content at all.</summary>
    private static JsonObject? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        // dockerd decodes a UTF-8 byte order mark; a caller that read the file as text may have kept it.
        var text = json[0] == '\uFEFF' ? json[1..] : json;
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text, nodeOptions: null, ParseOptions);
        }
        catch (JsonException e)
        {
            // Both are 0-based; the column counts UTF-8 bytes, so it runs ahead after non-ASCII text on that line.
            var where = e.LineNumber is { } line && e.BytePositionInLine is { } column
                ? $" at line {line + 1}, column {column + 1}"
                : string.Empty;
            throw new NvsdkException(ErrorCode.InvalidInput, $"{DefaultPath} is not valid JSON{where}; it was left untouched", e)
            {
                Hint = $"fix the file (dockerd --validate --config-file={DefaultPath} checks it), then run this again",
            };
        }

        if (node is not JsonObject root)
        {
            throw Invalid($"the top level is {Describe(node)}, not an object");
        }

        try
        {
            // A JsonObject builds its dictionary lazily, so a repeated key would only surface later, mid-edit.
            Materialize(root);
        }
        catch (ArgumentException e)
        {
            // dockerd would take the last value; which one the user meant is theirs to say.
            throw new NvsdkException(ErrorCode.InvalidInput, $"{DefaultPath} repeats a key ({e.Message}); it was left untouched", e);
        }

        return root;
    }

    private static void Materialize(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj)
                {
                    Materialize(child);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Materialize(child);
                }

                break;
        }
    }

    private static bool SetCdiFeature(JsonObject root)
    {
        var features = Features(root, create: true)!;
        if (features.TryGetPropertyValue(CdiKey, out var cdi) && cdi?.GetValueKind() == JsonValueKind.True)
        {
            return false;
        }

        // Replacing the value keeps the key where it was; a new key goes last.
        features[CdiKey] = true;
        return true;
    }

    private static JsonObject? Features(JsonObject root, bool create)
    {
        if (!root.TryGetPropertyValue(FeaturesKey, out var node))
        {
            if (!create)
            {
                return null;
            }

            var created = new JsonObject();
            root[FeaturesKey] = created;
            return created;
        }

        return node as JsonObject ?? throw Invalid($"\"{FeaturesKey}\" is {Describe(node)}, not an object");
    }

    private static bool AddSpecDir(JsonObject root, string dir)
    {
        if (!root.TryGetPropertyValue(CdiSpecDirsKey, out var node))
        {
            if (DefaultCdiSpecDirs.Any(d => SameDir(d, dir)))
            {
                return false;
            }

            // Setting the key replaces Docker's defaults, so keep them.
            // Nodes typed as JsonNode: JsonArray.Add<T> with T = JsonValue is not AOT-safe.
            JsonArray dirs = [.. DefaultCdiSpecDirs.Select(d => (JsonNode?)JsonValue.Create(d)), (JsonNode?)JsonValue.Create(dir)];
            root[CdiSpecDirsKey] = dirs;
            return true;
        }

        if (node is not JsonArray existing)
        {
            throw Invalid($"\"{CdiSpecDirsKey}\" is {Describe(node)}, not a list of directories");
        }

        if (existing.Any(n => n?.GetValueKind() == JsonValueKind.String && SameDir(n.GetValue<string>(), dir)))
        {
            return false;
        }

        existing.Add((JsonNode)JsonValue.Create(dir));
        return true;
    }

    private static bool SameDir(string a, string b) =>
        string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.Ordinal);

    private static string Write(JsonObject root)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriteOptions))
        {
            root.WriteTo(writer);
        }

        buffer.WriteByte((byte)'\n');
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static NvsdkException Invalid(string problem) =>
        new(ErrorCode.InvalidInput, $"{DefaultPath}: {problem}; it was left untouched")
        {
            Hint = "fix the file by hand (see https://docs.docker.com/reference/cli/dockerd/#daemon-configuration-file), then run this again",
        };

    private static string Describe(JsonNode? node) => node?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null",
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "something else",
    };
}
