using Nvsdk.Core.LockFile;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Tests;

/// <summary>Builds lock entries for bytes a test serves itself.</summary>
internal static class TestArtifacts
{
    public static Artifact For(byte[] content, string fileName, params string[] urls) =>
        For(content, fileName, pinned: true, withSize: true, urls);

    public static Artifact For(byte[] content, string fileName, bool pinned, bool withSize, params string[] urls) =>
        new(
            ComponentId.Parse("cudnn"),
            "9.17.0.29",
            fileName,
            ArtifactFormat.TarXz,
            [SystemId.X86_64Linux],
            pinned ? Sha256Digest.Of(content) : null,
            withSize ? content.Length : null,
            urls.Select((u, i) => new ArtifactSource(new Uri(u), i < urls.Length - 1 ? SourceRole.Mirror : SourceRole.Upstream)).ToList(),
            pinned ? null : "test",
            "$.components[0].artifacts[0]");
}
