using System.Text.Json;
using System.Text.Json.Serialization;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Store;

namespace Nvsdk.Core.Cache;

/// <summary>
/// Which binary caches `install` tries before fetching + unpacking, and whose signatures it trusts; kept in
/// &lt;root&gt;/cache.json (written by `nvsdk cache use`). <see cref="Enabled"/> = false, `--no-cache` or
/// NVSDK_NO_CACHE=1 turn every cache off, as Nix's `--option substituters ""` does.
/// </summary>
public sealed record CacheSettings
{
    public const string FileName = "cache.json";

    [JsonPropertyName("enabled")]
    public bool Enabled { get; init; } = true;

    /// <summary>registry/repository of each cache, tried in order.</summary>
    [JsonPropertyName("caches")]
    public IReadOnlyList<string> Caches { get; init; } = [];

    /// <summary>Public keys as `name:base64`.</summary>
    [JsonPropertyName("trustedKeys")]
    public IReadOnlyList<string> TrustedKeys { get; init; } = [];

    [JsonIgnore]
    public bool Active => Enabled && Caches.Count > 0 && Environment.GetEnvironmentVariable("NVSDK_NO_CACHE") is not ("1" or "true");

    public IReadOnlyList<TrustedKey> ParsedKeys() => TrustedKeys.Select(k => TrustedKey.Parse(k, PathHint)).ToList();

    private static string PathHint => FileName;

    public static CacheSettings Load(StoreLayout layout)
    {
        var path = Path.Combine(layout.Root, FileName);
        if (!File.Exists(path))
        {
            return new CacheSettings();
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), CacheJsonContext.Default.CacheSettings) ?? new CacheSettings();
        }
        catch (JsonException e)
        {
            throw new UsageException($"{path}: not valid cache settings ({e.Message}); fix it or remove it and run `nvsdk cache use` again");
        }
    }

    public void Save(StoreLayout layout) =>
        NvsdkStore.WriteAtomically(Path.Combine(layout.Root, FileName), JsonSerializer.SerializeToUtf8Bytes(this, CacheJsonContext.Default.CacheSettings));
}
