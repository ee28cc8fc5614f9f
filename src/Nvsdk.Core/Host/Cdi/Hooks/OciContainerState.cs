using System.Text.Json;
using Nvsdk.Core.Errors;

namespace Nvsdk.Core.Host.Cdi.Hooks;

/// <summary>
/// What an OCI runtime tells a hook on stdin (the container's state: id, pid, bundle), and the container's root file
/// system read from the bundle's config.json (root.path, relative to the bundle unless absolute).
/// </summary>
public static class OciContainerState
{
    public static async Task<string> ReadRootfsAsync(Stream stdin, CancellationToken cancellationToken = default)
    {
        var bundle = await ReadStringAsync(stdin, "bundle", "the container state on stdin", cancellationToken).ConfigureAwait(false);
        var configPath = Path.Combine(bundle, "config.json");
        var config = File.OpenRead(configPath);
        await using (config.ConfigureAwait(false))
        {
            using var document = await JsonDocument.ParseAsync(config, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!document.RootElement.TryGetProperty("root", out var root) || !root.TryGetProperty("path", out var path) || path.GetString() is not { Length: > 0 } rootPath)
            {
                throw new NvsdkException(ErrorCode.InvalidInput, $"{configPath} has no root.path: cannot tell where the container's files are");
            }

            return Path.GetFullPath(rootPath, bundle);
        }
    }

    private static async Task<string> ReadStringAsync(Stream json, string key, string what, CancellationToken cancellationToken)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(json, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(key, out var value) && value.GetString() is { Length: > 0 } text)
            {
                return text;
            }
        }
        catch (JsonException e)
        {
            throw new NvsdkException(ErrorCode.InvalidInput, $"{what} is not JSON: {e.Message}", e) { Hint = "cdi-hook is run by the container runtime (runc, crun) as an OCI hook, which passes the state on stdin" };
        }

        throw new NvsdkException(ErrorCode.InvalidInput, $"{what} has no \"{key}\"") { Hint = "cdi-hook is run by the container runtime (runc, crun) as an OCI hook, which passes the state on stdin" };
    }
}
