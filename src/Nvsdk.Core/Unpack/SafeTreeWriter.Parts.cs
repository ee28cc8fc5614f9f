using System.Buffers;
using Nvsdk.Core.Platform;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Unpack;

internal sealed partial class SafeTreeWriter
{
    /// <summary>Joins file parts across the writers of one cache pull; null where parts are plain files (NVIDIA's archives).</summary>
    public FilePartJoiner? Parts { get; init; }

    /// <summary>
    /// Writes one part of a large file at its offset. The part that completes the file hashes it whole (when the
    /// writer hashes), reading it back from the page cache: SHA-256 cannot be split, and the parts were written
    /// side by side meanwhile.
    /// </summary>
    public async Task FilePartAsync(string entry, string path, UnixFileMode mode, long offset, long fileSize, long length, Stream data, CancellationToken cancellationToken)
    {
        Count(entry);
        var joiner = Parts ?? throw new InvalidOperationException("file parts are read only by writers that join them");
        if (path.Length == 0)
        {
            throw Refuse(entry, "a file part with no name");
        }

        if (offset < 0 || length < 0 || fileSize < 0 || offset > fileSize || length > fileSize - offset)
        {
            throw Refuse(entry, $"a part [{offset}, +{length}) outside its {fileSize}-byte file");
        }

        if (fileSize > limits.MaxTotalBytes)
        {
            throw Refuse(entry, $"a {fileSize}-byte file exceeds {limits.MaxTotalBytes} bytes (archive bomb?)");
        }

        EnsureParents(entry, path);
        if (manifest.TryGet(path, out _) || pendingLinks.ContainsKey(path))
        {
            throw Refuse(entry, "a file part where the layer already put something else");
        }

        var executable = (mode & Exec) != 0;
        var file = joiner.Claim(this, entry, path, Full(path), fileSize, executable, offset, length, executable ? FileMode644 | Exec : FileMode644);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            var written = 0L;
            while (true)
            {
                var n = await data.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, Math.Max(1, length - written))), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                if (n > length - written)
                {
                    throw Refuse(entry, "the part holds more bytes than its header says");
                }

                totalBytes += n;
                CheckBudget(entry);
                RandomAccess.Write(file.Stream.SafeFileHandle, buffer.AsSpan(0, n), offset + written); // a pwrite to the page cache: not worth a pool hop
                written += n;
            }

            if (written != length)
            {
                throw Refuse(entry, $"the part ends after {written} of its {length} bytes");
            }

            // The part's own range goes to the disk now, whichever part completes the file.
            if (length >= WritebackThreshold)
            {
                EarlyWriteback.Start(file.Stream.SafeFileHandle, offset, length);
            }

            if (!joiner.Finish(file, length))
            {
                return;
            }

            if (file.Stream.Length != fileSize)
            {
                throw Refuse(entry, $"the joined file holds {file.Stream.Length} of {fileSize} bytes");
            }

            // Parts write through RandomAccess, so the stream itself is still at offset 0.
            var digest = HashFiles ? await Sha256Digest.OfAsync(file.Stream, cancellationToken).ConfigureAwait(false) : (Sha256Digest?)null;
            File.SetLastWriteTimeUtc(file.Stream.SafeFileHandle, Epoch);
            manifest.Add(path, digest is { } d ? TreeItem.File(fileSize, d, executable) : TreeItem.UnhashedFile(fileSize, executable));
            await file.Stream.DisposeAsync().ConfigureAwait(false); // complete: no part writes to it any more
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
