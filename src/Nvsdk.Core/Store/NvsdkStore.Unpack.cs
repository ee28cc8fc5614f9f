using System.Text;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Unpack;

namespace Nvsdk.Core.Store;

/// <summary>Unpacked component trees: store entries derived from a verified artifact, by the same protocol.</summary>
public sealed partial class NvsdkStore
{
    /// <summary>Bump when unpacking changes what it writes, so old trees are not reused for new rules.</summary>
    private const string UnpackVersion = "nvsdk-unpack-v1";

    /// <summary>
    /// The entry name of an artifact's unpacked tree. It is derived from the archive's digest and the rules
    /// used (input-addressed, like a Nix derivation), so it is known before anything is unpacked and a no-op
    /// install needs no I/O beyond a few stat calls.
    /// </summary>
    public static string TreeEntryName(Artifact artifact, Sha256Digest archiveDigest)
    {
        var layout = artifact.Format == ArtifactFormat.OciImage ? FlattenVersion : LayoutRule.For(artifact.Format).Name;
        var identity = $"{UnpackVersion}\n{archiveDigest}\n{artifact.Format.ToLockName()}\n{layout}\n";
        return $"{Sha256Digest.Of(Encoding.UTF8.GetBytes(identity)).Short}-{artifact.Component}-{artifact.Version}";
    }

    /// <summary>Makes sure the artifact's unpacked tree is in the store; unpacks the stored archive if needed.</summary>
    public async Task<TreeInstallResult> EnsureTreeAsync(
        Artifact artifact,
        ArtifactInstallResult archive,
        UnpackLimits? limits = null,
        Action<string>? onWait = null,
        CancellationToken cancellationToken = default,
        DurabilityBatch? batch = null)
    {
        var name = TreeEntryName(artifact, Sha256Digest.Parse(archive.Record.Sha256));
        var unpacked = false;
        var record = await InstallAsync(
            name,
            () => TryGetRecord(name),
            async (staging, ct) =>
            {
                var manifest = await ArchiveUnpacker.UnpackAsync(archive.FilePath, artifact.Format, staging, limits: limits, cancellationToken: ct).ConfigureAwait(false);
                unpacked = true;
                return TreeRecord(name, artifact, archive, manifest);
            },
            onWait,
            cancellationToken,
            batch).ConfigureAwait(false);
        return new TreeInstallResult(record, unpacked, Layout.EntryPath(record.Name));
    }
}

/// <summary>What kinds of entries the store holds.</summary>
public static class EntryKinds
{
    /// <summary>A verified download: one file, checked by its sha256.</summary>
    public const string Artifact = "artifact";

    /// <summary>An unpacked component: a tree, checked by the digest of its manifest.</summary>
    public const string Tree = "tree";

    /// <summary>A container image for one platform: an OCI image layout, checked blob by blob.</summary>
    public const string Image = "image";
}

/// <summary>An unpacked component in the store.</summary>
public sealed record TreeInstallResult(StoreEntryRecord Record, bool Unpacked, string EntryPath);
