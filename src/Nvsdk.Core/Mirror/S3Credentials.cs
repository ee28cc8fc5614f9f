using Nvsdk.Core.Errors;

namespace Nvsdk.Core.Mirror;

/// <summary>An access key pair, and the session token of temporary credentials.</summary>
public sealed record S3Credentials(string AccessKeyId, string SecretAccessKey, string? SessionToken = null)
{
    /// <summary>AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and, if set, AWS_SESSION_TOKEN.</summary>
    public static S3Credentials FromEnvironment(Func<string, string?> env)
    {
        var id = env("AWS_ACCESS_KEY_ID");
        var secret = env("AWS_SECRET_ACCESS_KEY");
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(secret))
        {
            throw new UsageException(
                "uploading to S3 needs credentials, and AWS_ACCESS_KEY_ID or AWS_SECRET_ACCESS_KEY is not set",
                "export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (an R2 API token's key pair for R2)");
        }

        var token = env("AWS_SESSION_TOKEN");
        return new S3Credentials(id, secret, string.IsNullOrEmpty(token) ? null : token);
    }

    /// <summary>Never print the secret.</summary>
    public override string ToString() => $"S3Credentials({AccessKeyId})";
}
