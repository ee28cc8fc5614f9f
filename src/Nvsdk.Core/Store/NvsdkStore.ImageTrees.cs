using Nvsdk.Core.Errors;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Oci.Layers;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Store;

/// <summary>
/// An image's file system as a store tree: its layers flattened (crane export semantics) into staging by
/// the install protocol, named from the manifest digest, so a pinned image's tree is known before any
/// request and `store verify` re-hashes it like any unpacked archive.
/// </summary>
public sealed partial class NvsdkStore
{
    /// <summary>Bump when flattening changes what it writes.</summary>
    private const string FlattenVersion = "oci-flatten-v1";

    public async Task<TreeInstallResult> EnsureImageTreeAsync(
        Artifact artifact,
        ImageInstallResult image,
        Action<string>? onWait = null,
        CancellationToken cancellationToken = default)
    {
        var name = TreeEntryName(artifact, Sha256Digest.Parse(image.Record.Sha256));
        var flattened = false;
        var record = await InstallAsync(
            name,
            () => TryGetRecord(name),
            async (staging, ct) =>
            {
                var result = await FlattenAsync(image.EntryPath, staging, FileModes.Normalized, ct).ConfigureAwait(false);
                flattened = true;
                return new StoreEntryRecord
                {
                    Name = name,
                    Kind = EntryKinds.Tree,
                    Component = artifact.Component.Name,
                    Version = artifact.Version,
                    File = string.Empty,
                    Sha256 = result.Manifest.Digest().Hex,
                    Size = result.Manifest.TotalBytes,
                    Source = image.Record.Name,
                    RegisteredAt = DateTimeOffset.UtcNow,
                };
            },
            onWait,
            cancellationToken).ConfigureAwait(false);
        return new TreeInstallResult(record, flattened, Layout.EntryPath(record.Name));
    }

    /// <summary>
    /// `image export`: flattens a stored image into a new folder. It is built beside the destination and
    /// renamed into place, so a failure or a kill leaves no half-written tree under the asked name. Modes and
    /// mtimes are kept (<see cref="FileModes.Kept"/>); setuid/setgid only with <paramref name="keepSetId"/>.
    /// </summary>
    public static async Task<FlattenResult> ExportImageAsync(string imageEntryPath, string destination, bool keepSetId = false, CancellationToken cancellationToken = default)
    {
        destination = CheckExportDestination(destination);
        var parent = Path.GetDirectoryName(destination)!;

        var staging = Path.Combine(parent, $".{Path.GetFileName(destination)}.nvsdk-export-{Environment.ProcessId}");
        DeleteTree(staging);
        try
        {
            var result = await FlattenAsync(imageEntryPath, staging, keepSetId ? FileModes.KeptWithSetId : FileModes.Kept, cancellationToken).ConfigureAwait(false);
            if (Directory.Exists(destination))
            {
                Directory.Delete(destination); // the empty folder the user made
            }

            Platform.Posix.Rename(staging, destination);
            return result;
        }
        catch
        {
            DeleteTree(staging);
            throw;
        }
    }

    /// <summary>An export goes into a new or empty folder whose parent exists; returns its full path.</summary>
    public static string CheckExportDestination(string destination)
    {
        destination = Path.GetFullPath(destination.TrimEnd('/'));
        if (File.Exists(destination) || (Directory.Exists(destination) && Directory.EnumerateFileSystemEntries(destination).Any()))
        {
            throw new UsageException($"{destination} exists and is not an empty folder; export into a new folder");
        }

        var parent = Path.GetDirectoryName(destination)!;
        return Directory.Exists(parent) ? destination : throw new UsageException($"{parent} does not exist; create it first");
    }

    private static Task<FlattenResult> FlattenAsync(string imageEntryPath, string destination, FileModes modes, CancellationToken cancellationToken)
    {
        var (_, layers) = ReadImageLayout(imageEntryPath);
        var files = layers.Select(l => new OciLayerFile(l.Path, l.MediaType, Sha256Digest.Parse(l.Digest))).ToList();
        return OciImageFlattener.FlattenAsync(files, destination, modes: modes, cancellationToken: cancellationToken);
    }
}
