using System.Text;
using System.Text.Json;

namespace Nvsdk.Core.Oci.Registry;

/// <summary>A user name and password (or token) for one registry.</summary>
public sealed record RegistryCredentials(string Username, string Password)
{
    public string BasicHeader => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{Password}"));

    /// <summary>
    /// Where credentials come from, first match wins: NVSDK_REGISTRY_USERNAME/NVSDK_REGISTRY_PASSWORD (CI),
    /// the Docker/Podman auth files users already have (`docker login` writes them), and NGC_API_KEY for
    /// nvcr.io (NGC's user name is the literal "$oauthtoken"). Nothing found means anonymous.
    /// </summary>
    public static RegistryCredentials? Find(string registry)
    {
        var user = Environment.GetEnvironmentVariable("NVSDK_REGISTRY_USERNAME");
        var password = Environment.GetEnvironmentVariable("NVSDK_REGISTRY_PASSWORD");
        if (!string.IsNullOrEmpty(user) && password is not null)
        {
            return new RegistryCredentials(user, password);
        }

        foreach (var file in AuthFiles())
        {
            if (FromAuthFile(file, registry) is { } found)
            {
                return found;
            }
        }

        if (registry == "nvcr.io" && Environment.GetEnvironmentVariable("NGC_API_KEY") is { Length: > 0 } key)
        {
            return new RegistryCredentials("$oauthtoken", key);
        }

        return null;
    }

    private static IEnumerable<string> AuthFiles()
    {
        if (Environment.GetEnvironmentVariable("REGISTRY_AUTH_FILE") is { Length: > 0 } explicitFile)
        {
            yield return explicitFile;
        }

        if (Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } runtime)
        {
            yield return Path.Combine(runtime, "containers", "auth.json");
        }

        var dockerConfig = Environment.GetEnvironmentVariable("DOCKER_CONFIG");
        yield return Path.Combine(
            string.IsNullOrEmpty(dockerConfig) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker") : dockerConfig,
            "config.json");
    }

    /// <summary>
    /// From one auth file: a credential helper named for this registry (`credHelpers`) or for all
    /// (`credsStore`) first, as Docker does, then `auths.&lt;registry&gt;.auth` (base64 of user:password).
    /// </summary>
    internal static RegistryCredentials? FromAuthFile(string file, string registry)
    {
        try
        {
            if (!File.Exists(file))
            {
                return null;
            }

            using var json = JsonDocument.Parse(File.ReadAllBytes(file));
            var root = json.RootElement;
            var helper = root.TryGetProperty("credHelpers", out var helpers) && helpers.ValueKind == JsonValueKind.Object && helpers.TryGetProperty(registry, out var named)
                ? named.GetString()
                : root.TryGetProperty("credsStore", out var store) ? store.GetString() : null;
            if (!string.IsNullOrEmpty(helper) && CredentialHelper.Get(helper, registry) is { } fromHelper)
            {
                return fromHelper;
            }

            if (!root.TryGetProperty("auths", out var auths) || auths.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            foreach (var entry in auths.EnumerateObject())
            {
                var host = entry.Name.Replace("https://", string.Empty, StringComparison.Ordinal).Replace("http://", string.Empty, StringComparison.Ordinal).TrimEnd('/');
                host = host.EndsWith("/v1", StringComparison.Ordinal) ? host[..^3] : host;
                var matches = host == registry || (registry == ImageReference.DockerHub && host is "index.docker.io" or "docker.io");
                if (matches && entry.Value.TryGetProperty("auth", out var auth) && auth.GetString() is { Length: > 0 } encoded)
                {
                    var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
                    var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                    if (colon > 0)
                    {
                        return new RegistryCredentials(decoded[..colon], decoded[(colon + 1)..]);
                    }
                }
            }
        }
        catch (Exception e) when (e is JsonException or FormatException or IOException or UnauthorizedAccessException)
        {
            // An unreadable auth file is not ours to fix; the registry's 401 will say what is missing.
        }

        return null;
    }
}
