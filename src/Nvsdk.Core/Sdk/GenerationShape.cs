using System.Security.Cryptography;
using System.Text;
using Nvsdk.Core.Platform;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Sdk;

/// <summary>
/// A generation's shape: every path with its kind, size, exec bit and link target (links never followed),
/// hashed. Recorded when the generation is built and recomputed by `store verify`, it catches a file
/// planted into (or removed from) a generation after the fact. File contents are not re-hashed here: a
/// generation's files are hard links to store trees, whose contents `store verify` already re-hashes.
/// </summary>
internal static class GenerationShape
{
    public static string Of(string root, CancellationToken cancellationToken = default)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData("nvsdk-generation-shape-v1\n"u8);
        foreach (var info in TreeWalker.Walk(root))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rel = Path.GetRelativePath(root, info.FullName);
            var line = info switch
            {
                { LinkTarget: { } target } => $"l {target} {rel}\n",
                DirectoryInfo => $"d {rel}\n",
                FileInfo file => $"f {((file.UnixFileMode & UnixFileMode.UserExecute) != 0 ? "x" : "-")} {file.Length} {rel}\n",
                _ => $"? {rel}\n",
            };
            hash.AppendData(Encoding.UTF8.GetBytes(line));
        }

        return Sha256Digest.FromHash(hash.GetHashAndReset()).Hex;
    }
}
