using System.Globalization;
using System.Text.Json;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Update;

/// <summary>
/// Reads NVIDIA's redistrib_&lt;version&gt;.json (CUDA, cuDNN, cuTENSOR…): per package a name, version, licence
/// and, per platform (linux-x86_64, linux-sbsa), relative_path / sha256 / size — nested one level deeper by
/// "cuda12"/"cuda13" when the package lists cuda_variant. Windows and other platforms are ignored. Walked by
/// hand over a JsonDocument (AOT-safe); every value's JSON type is checked before it is read, so a malformed
/// entry (a platform as a string, a variant as [], the root as null) is an error naming the package and the
/// field, never a crash. relative_path must stay in the manifest's folder (<see cref="ManifestPath"/>).
/// Packages the caller's filter rejects are not read at all, so a broken one cannot hide the others.
/// </summary>
public static class RedistribManifest
{
    private static readonly (string Platform, SystemId System)[] Platforms =
    [
        ("linux-x86_64", SystemId.X86_64Linux),
        ("linux-sbsa", SystemId.Aarch64Linux),
    ];

    public static (string Product, string Release, IReadOnlyList<RedistribPackage> Packages) Parse(string source, ReadOnlyMemory<byte> utf8, Func<string, bool>? wanted = null)
    {
        // JsonDocument checks the UTF-8 of a string only when it is read, and then throws InvalidOperationException.
        if (!System.Text.Unicode.Utf8.IsValid(utf8.Span))
        {
            throw new NvsdkException(ErrorCode.InvalidInput, $"{source}: not a redistrib manifest: not valid UTF-8");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8);
        }
        catch (JsonException e)
        {
            throw new NvsdkException(ErrorCode.InvalidInput, $"{source}: not a redistrib manifest: invalid JSON at line {(e.LineNumber ?? 0) + 1}", e);
        }

        using (document)
        {
            try
            {
                return Walk(source, document.RootElement, wanted);
            }
            catch (InvalidOperationException e) when (e.Message.Contains("UTF-16", StringComparison.Ordinal))
            {
                // JsonDocument decodes \u escapes only when a string is read; a lone surrogate fails there.
                throw Bad(source, "(a string)", "holds an escape that is not valid Unicode (a lone surrogate)");
            }
        }
    }

    private static (string Product, string Release, IReadOnlyList<RedistribPackage> Packages) Walk(string source, JsonElement root, Func<string, bool>? wanted)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Bad(source, "(root)", $"is {root.ValueKind}, not an object");
        }

        string Top(string key) => root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Bad(source, key, "missing");
        var product = Top("release_product");
        var release = Top("release_label");
        var packages = new List<RedistribPackage>();
        foreach (var package in root.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object && (wanted is null || wanted(p.Name))))
        {
            packages.AddRange(ReadPackage(source, package.Name, package.Value));
        }

        return (product, release, packages);
    }

    private static IEnumerable<RedistribPackage> ReadPackage(string source, string name, JsonElement package)
    {
        var version = Text(source, name, package, "version");
        var license = package.TryGetProperty("license", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString()! : "unknown";
        foreach (var (platform, system) in Platforms)
        {
            if (!package.TryGetProperty(platform, out var entry))
            {
                continue;
            }

            if (entry.ValueKind != JsonValueKind.Object)
            {
                throw Bad(source, $"{name}.{platform}", $"is {entry.ValueKind}, not an object");
            }

            if (entry.TryGetProperty("relative_path", out _))
            {
                yield return Artifact(source, $"{name}.{platform}", name, version, license, system, null, entry);
                continue;
            }

            foreach (var variant in entry.EnumerateObject().Where(v => v.Name.StartsWith("cuda", StringComparison.Ordinal)))
            {
                var major = int.TryParse(variant.Name.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? m : (int?)null;
                yield return Artifact(source, $"{name}.{platform}.{variant.Name}", name, version, license, system, major, variant.Value);
            }
        }
    }

    private static RedistribPackage Artifact(string source, string where, string name, string version, string license, SystemId system, int? major, JsonElement entry)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw Bad(source, where, $"is {entry.ValueKind}, not an object");
        }

        var path = Text(source, where, entry, "relative_path");
        if (ManifestPath.Problem(path) is { } pathProblem)
        {
            throw Bad(source, $"{where}.relative_path", pathProblem);
        }

        var digestText = Text(source, where, entry, "sha256");
        if (!Sha256Digest.TryParse(digestText, out var digest) || digestText.Length != 64)
        {
            throw Bad(source, $"{where}.sha256", $"'{digestText}' is not 64 hex characters");
        }

        var sizeText = Text(source, where, entry, "size");
        if (!long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size <= 0)
        {
            throw Bad(source, $"{where}.size", $"'{sizeText}' is not a size in bytes");
        }

        return new RedistribPackage(name, version, license, system, major, path, digest, size);
    }

    private static string Text(string source, string where, JsonElement element, string key) =>
        element.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw Bad(source, $"{where}.{key}", "missing or not a string");

    private static NvsdkException Bad(string source, string field, string problem) =>
        new(ErrorCode.InvalidInput, $"{source}: {field}: {problem}");
}
