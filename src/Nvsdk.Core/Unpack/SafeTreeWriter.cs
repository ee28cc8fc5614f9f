using System.Buffers;
using System.Security.Cryptography;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Platform;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Unpack;

/// <summary>
/// Writes archive members into a fresh folder, refusing anything that could reach outside it or harm the
/// host: paths are already normalised by the caller; files are created with O_EXCL (never through an
/// existing name); symlinks are created only at the end, after every file, so nothing is ever written
/// through one; hard links must name a file this archive already wrote; modes lose setuid/setgid/sticky and
/// become 0755/0644; timestamps become the epoch (+1 s), as in Nix. Sizes and the compression ratio are
/// capped. Every member is hashed as it is written, so the tree's manifest costs no second read.
/// </summary>
internal sealed partial class SafeTreeWriter
{
    private static readonly DateTime Epoch = DateTime.UnixEpoch.AddSeconds(1);
    private const UnixFileMode FileMode644 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode Exec = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>Files this large start their writeback at once (small headers are left to the final syncfs).</summary>
    private const long WritebackThreshold = 1 << 20;

    /// <summary>A file being written hands each piece this large to the early writeback as soon as it is written.</summary>
    private const long WritebackPiece = 32L << 20;

    private readonly string root;
    private readonly long compressedSize;
    private readonly UnpackLimits limits;
    private readonly TreeManifest manifest = new();
    private readonly Dictionary<string, (string Archive, string Entry, string Target)> pendingLinks = new(StringComparer.Ordinal);
    private long totalBytes;
    private long entries;

    public SafeTreeWriter(string root, string archive, long compressedSize, UnpackLimits limits)
    {
        this.root = Path.GetFullPath(root);
        Archive = archive;
        this.compressedSize = Math.Max(1, compressedSize);
        this.limits = limits;
        Directory.CreateDirectory(this.root);
    }

    public long TotalBytes => totalBytes;

    /// <summary>
    /// The archive that refusals name. One tree can be written from several archives (the layers of an OCI
    /// image), so the caller switches it as it moves from one to the next; each symlink keeps the name it was
    /// recorded under, since links are checked only in <see cref="Complete"/>.
    /// </summary>
    public string Archive { get; set; }

    /// <summary>
    /// Whether files are hashed as they are written (the default: the tree's digest is then computed, no second
    /// read). Off only for a cache layer whose digest a trusted key signed: its bytes are verified as they stream
    /// in, so hashing what they unpack to would check the decoder, not the content, at a third of the pull's CPU.
    /// </summary>
    public bool HashFiles { get; init; } = true;

    public UnsafeArchiveException Refuse(string entry, string reason) => new(Archive, entry, reason);

    public void AddDirectory(string entry, string path)
    {
        Count(entry);
        if (path.Length == 0)
        {
            return;
        }

        EnsureParents(entry, path);
        var full = Full(path);
        if (manifest.TryGet(path, out var existing) && existing.Kind != TreeItemKind.Directory)
        {
            throw Refuse(entry, "a folder where the archive already put a file");
        }

        System.IO.Directory.CreateDirectory(full);
        manifest.Add(path, TreeItem.Directory);
    }

    public async Task FileAsync(string entry, string path, UnixFileMode mode, long declaredSize, Stream data, CancellationToken cancellationToken)
    {
        Count(entry);
        if (path.Length == 0)
        {
            throw Refuse(entry, "a file with no name");
        }

        if (declaredSize > limits.MaxTotalBytes - totalBytes)
        {
            throw Refuse(entry, $"unpacking it would exceed {limits.MaxTotalBytes} bytes (archive bomb?)");
        }

        EnsureParents(entry, path);
        if (Parts?.Holds(path) == true)
        {
            throw Refuse(entry, "a whole file where another layer put parts of one");
        }

        var executable = (mode & Exec) != 0;
        var exists = manifest.TryGet(path, out var existing);
        if (exists && existing.Kind != TreeItemKind.File)
        {
            throw Refuse(entry, "a file where the archive already put a folder or link");
        }

        if (exists && !HashFiles)
        {
            throw Refuse(entry, "the layer holds this file twice"); // nothing to compare the copies by
        }

        // A second copy of a path (the CUDA runfile's packages overlap) goes to a side file and must match.
        var target = exists ? Path.Combine(root, $".nvsdk-dup-{Guid.NewGuid():N}") : Full(path);
        var (size, digest) = await WriteAsync(entry, target, executable, data, cancellationToken).ConfigureAwait(false);
        if (exists)
        {
            File.Delete(target);
            if (existing.Digest != digest)
            {
                throw new NvsdkException(ErrorCode.InvalidInput, $"{Archive}: '{entry}' appears twice with different contents");
            }

            return;
        }

        manifest.Add(path, digest is { } d ? TreeItem.File(size, d, executable) : TreeItem.UnhashedFile(size, executable));
    }

    private async Task<(long Size, Sha256Digest? Digest)> WriteAsync(string entry, string target, bool executable, Stream data, CancellationToken cancellationToken)
    {
        using var hash = HashFiles ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        long size = 0;
        long handedOver = 0; // bytes already given to the early writeback
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew, // O_EXCL: never follows or replaces an existing name
                Access = FileAccess.Write,
                Share = FileShare.None,
                BufferSize = 0,
                UnixCreateMode = executable ? FileMode644 | Exec : FileMode644,
            };
            var output = new FileStream(target, options);
            await using (output.ConfigureAwait(false))
            {
                while (true)
                {
                    var n = await data.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
                    if (n == 0)
                    {
                        break;
                    }

                    size += n;
                    totalBytes += n;
                    CheckBudget(entry);
                    if (hash is null)
                    {
                        // Nothing to overlap the write with: write on this thread rather than queue it to the pool.
                        output.Write(buffer, 0, n);
                    }
                    else
                    {
                        // The write runs on the thread pool (the file is not opened for async I/O) while this thread
                        // hashes the same bytes: both only read the buffer, and the write is awaited before it is reused.
                        var write = output.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
                        hash.AppendData(buffer, 0, n);
                        await write.ConfigureAwait(false);
                    }

                    if (size - handedOver >= WritebackPiece)
                    {
                        EarlyWriteback.Start(output.SafeFileHandle, handedOver, size - handedOver);
                        handedOver = size;
                    }
                }

                if (size >= WritebackThreshold && size > handedOver)
                {
                    EarlyWriteback.Start(output.SafeFileHandle, handedOver, size - handedOver);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        File.SetLastWriteTimeUtc(target, Epoch);
        return (size, hash is null ? null : Sha256Digest.FromHash(hash.GetHashAndReset()));
    }

    private void CheckBudget(string entry)
    {
        if (totalBytes > limits.MaxTotalBytes)
        {
            throw Refuse(entry, $"unpacking exceeds {limits.MaxTotalBytes} bytes (archive bomb?)");
        }

        if (totalBytes > limits.RatioGraceBytes && totalBytes > compressedSize * limits.MaxRatio)
        {
            throw Refuse(entry, $"the archive expands more than {limits.MaxRatio:0}× (archive bomb?)");
        }
    }

    /// <summary>The member being unpacked, for errors raised below the writer (a path too long, a damaged stream).</summary>
    public string? CurrentEntry { get; private set; }

    private void Count(string entry)
    {
        CurrentEntry = entry;
        if (++entries > limits.MaxEntries)
        {
            throw Refuse(entry, $"more than {limits.MaxEntries} entries (archive bomb?)");
        }
    }

    /// <summary>Creates missing parent folders; a parent that is a link or a file is refused.</summary>
    public void EnsureParents(string entry, string path)
    {
        foreach (var ancestor in ArchivePath.Ancestors(path))
        {
            if (pendingLinks.ContainsKey(ancestor))
            {
                throw Refuse(entry, $"it would be written through the symlink '{ancestor}'");
            }

            if (manifest.TryGet(ancestor, out var item))
            {
                if (item.Kind != TreeItemKind.Directory)
                {
                    throw Refuse(entry, $"'{ancestor}' is a file, not a folder");
                }

                continue;
            }

            System.IO.Directory.CreateDirectory(Full(ancestor));
            manifest.Add(ancestor, TreeItem.Directory);
        }

        if (pendingLinks.ContainsKey(path))
        {
            throw Refuse(entry, "its name is already a symlink");
        }
    }

    private string Full(string path) => Path.Combine(root, path);

    /// <summary>Finishes the tree: creates and checks the symlinks, returns the manifest.</summary>
    public TreeManifest Complete()
    {
        var symlinks = pendingLinks.Keys.ToHashSet(StringComparer.Ordinal);
        var targets = pendingLinks.ToDictionary(p => p.Key, p => p.Value.Target, StringComparer.Ordinal);
        var realRoot = Posix.RealPath(root) ?? root;
        foreach (var (path, (archive, entry, target)) in pendingLinks.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var escapes = ArchivePath.Escapes(path, target, targets, out var loop);
            if (loop)
            {
                throw new UnsafeArchiveException(archive, entry, $"symlink to '{ArchivePath.Display(target)}' is part of a loop (more than 40 links deep)");
            }

            if (escapes || ArchivePath.ResolveLinkTarget(path, target, symlinks) is null)
            {
                throw new UnsafeArchiveException(archive, entry, $"symlink to '{ArchivePath.Display(target)}' points outside the archive");
            }

            try
            {
                File.CreateSymbolicLink(Full(path), target);
            }
            catch (IOException e) when (Path.Exists(Full(path)) || new FileInfo(Full(path)).LinkTarget is not null)
            {
                // Another writer of the same tree (another layer of a cache entry) put something at this name.
                throw new UnsafeArchiveException(archive, entry, "its name is already taken by another layer", e);
            }

            manifest.Add(path, TreeItem.Link(target));
        }

        // Belt and braces: the kernel's own resolution of every link must stay inside too.
        foreach (var (path, (archive, entry, target)) in pendingLinks)
        {
            if (Posix.RealPath(Full(path)) is { } real && real != realRoot && !real.StartsWith(realRoot + "/", StringComparison.Ordinal))
            {
                throw new UnsafeArchiveException(archive, entry, $"symlink to '{target}' resolves to {real}, outside the archive");
            }
        }

        return manifest;
    }
}
