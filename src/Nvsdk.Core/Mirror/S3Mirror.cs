namespace Nvsdk.Core.Mirror;

/// <summary>
/// A mirror in an S3-compatible bucket. An object counts as present when HEAD reports the same size and the
/// x-amz-meta-sha256 this class sets on upload. One PUT per object, which is atomic in S3.
/// </summary>
public sealed class S3Mirror : IMirrorDestination
{
    public const string DigestMetadata = "sha256";

    private readonly S3Client client;

    /// <summary>A mirror in the bucket; <c>publicBaseUrl</c> is where readers fetch the objects when not the endpoint itself (an R2 custom domain).</summary>
    public S3Mirror(S3Target target, S3Credentials credentials, Uri? publicBaseUrl = null, HttpMessageHandler? handler = null, Fetch.FetchOptions? options = null)
    {
        Target = target;
        client = new S3Client(target, credentials, handler, options: options);
        BaseUrl = publicBaseUrl ?? target.BaseUrl;
    }

    public S3Target Target { get; }

    public Uri BaseUrl { get; }

    public string Description => $"{Target} at {Target.Endpoint}";

    public long? MaxObjectSize => S3Client.MaxSinglePutSize;

    public async Task<bool> HasAsync(MirrorObject item, CancellationToken cancellationToken = default)
    {
        var head = await client.HeadObjectAsync(Target.ObjectKey(item.Key), cancellationToken).ConfigureAwait(false);
        return head is not null
            && head.ContentLength == item.Size
            && head.Metadata.TryGetValue(DigestMetadata, out var digest)
            && string.Equals(digest.Trim(), item.Digest.Hex, StringComparison.OrdinalIgnoreCase);
    }

    public Task PutAsync(MirrorObject item, CancellationToken cancellationToken = default) =>
        client.PutObjectAsync(
            Target.ObjectKey(item.Key),
            () => MirrorSource.Open(item),
            item.Size,
            item.Digest.Hex,
            new Dictionary<string, string>(StringComparer.Ordinal) { [DigestMetadata] = item.Digest.Hex },
            cancellationToken);

    public void Dispose() => client.Dispose();
}
