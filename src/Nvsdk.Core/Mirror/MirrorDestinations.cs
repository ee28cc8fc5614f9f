using Nvsdk.Core.Errors;

namespace Nvsdk.Core.Mirror;

/// <summary>
/// Turns `--to`, `--endpoint`, `--base-url` and the environment into a destination, before anything is written.
/// `UPLOAD_TO_R2=1` with `R2_BUCKET` and `R2_ENDPOINT` stands for `--to s3://$R2_BUCKET --endpoint $R2_ENDPOINT`.
/// </summary>
public static class MirrorDestinations
{
    public static IMirrorDestination Resolve(string? to, string? endpoint, string? baseUrl, Func<string, string?> env, HttpMessageHandler? handler = null)
    {
        var r2 = env("UPLOAD_TO_R2") is "1" or "true" or "yes";
        if (string.IsNullOrEmpty(to))
        {
            if (!r2)
            {
                throw new UsageException(
                    "mirror sync needs a destination",
                    "pass --to DIR or --to s3://BUCKET/PREFIX (or set UPLOAD_TO_R2=1 with R2_BUCKET and R2_ENDPOINT)");
            }

            var bucket = env("R2_BUCKET");
            if (string.IsNullOrEmpty(bucket))
            {
                throw new UsageException("UPLOAD_TO_R2=1 needs R2_BUCKET (and R2_ENDPOINT)", "export R2_BUCKET=… R2_ENDPOINT=https://ACCOUNT.r2.cloudflarestorage.com, or pass --to");
            }

            to = "s3://" + bucket;
            endpoint ??= env("R2_ENDPOINT");
            if (string.IsNullOrEmpty(endpoint))
            {
                throw new UsageException("UPLOAD_TO_R2=1 needs R2_ENDPOINT", "export R2_ENDPOINT=https://ACCOUNT.r2.cloudflarestorage.com, or pass --endpoint");
            }
        }

        var publicBase = ParseBaseUrl(baseUrl);
        if (to.StartsWith("s3://", StringComparison.Ordinal))
        {
            var target = S3Target.Parse(to, endpoint, r2, env);
            return new S3Mirror(target, S3Credentials.FromEnvironment(env), publicBase, handler);
        }

        if (!string.IsNullOrEmpty(endpoint))
        {
            throw new UsageException("--endpoint is for s3:// destinations", $"drop --endpoint, or write --to s3://BUCKET/PREFIX instead of '{to}'");
        }

        string directory;
        if (to.StartsWith("file://", StringComparison.Ordinal) && Uri.TryCreate(to, UriKind.Absolute, out var fileUrl) && fileUrl.IsFile)
        {
            directory = fileUrl.LocalPath;
        }
        else if (to.Contains("://", StringComparison.Ordinal))
        {
            throw new UsageException($"'{to}' is neither a folder nor an s3:// URL", "pass --to DIR or --to s3://BUCKET/PREFIX");
        }
        else
        {
            directory = to;
        }

        if (File.Exists(directory))
        {
            throw new UsageException($"'{directory}' is a file, not a folder", "pass --to DIR");
        }

        return publicBase is null ? new DirectoryMirror(directory) : new PublicUrlMirror(new DirectoryMirror(directory), publicBase);
    }

    private static Uri? ParseBaseUrl(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http" or "file"))
        {
            throw new UsageException($"'{text}' is not an https://, http:// or file:// base URL", "pass --base-url https://mirror.example.com/nvsdk/");
        }

        return new Uri(url.AbsoluteUri.TrimEnd('/') + "/");
    }

    /// <summary>A folder served elsewhere (by nginx, say): objects go to the folder, the lock names the public URL.</summary>
    private sealed class PublicUrlMirror(IMirrorDestination inner, Uri baseUrl) : IMirrorDestination
    {
        public Uri BaseUrl => baseUrl;

        public string Description => inner.Description;

        public long? MaxObjectSize => inner.MaxObjectSize;

        public Task<bool> HasAsync(MirrorObject item, CancellationToken cancellationToken = default) => inner.HasAsync(item, cancellationToken);

        public Task PutAsync(MirrorObject item, CancellationToken cancellationToken = default) => inner.PutAsync(item, cancellationToken);

        public void Dispose() => inner.Dispose();
    }
}
