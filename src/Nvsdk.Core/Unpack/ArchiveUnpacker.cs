using System.IO.Compression;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Unpack;

/// <summary>
/// Unpacks one verified archive into a fresh folder, streaming (no archive is ever held in memory):
/// tar.xz through the system's liblzma, tar.gz, wheels and zips, and makeself .run installers, whose
/// payload is extracted without executing anything. Returns the manifest of what was written.
/// </summary>
public static class ArchiveUnpacker
{
    public static async Task<TreeManifest> UnpackAsync(
        string archivePath,
        ArtifactFormat format,
        string destination,
        LayoutRule? layout = null,
        UnpackLimits? limits = null,
        CancellationToken cancellationToken = default)
    {
        layout ??= LayoutRule.For(format);
        var name = Path.GetFileName(archivePath);
        var writer = new SafeTreeWriter(destination, name, new FileInfo(archivePath).Length, limits ?? new UnpackLimits());
        try
        {
            switch (format)
            {
                case ArtifactFormat.TarXz:
                case ArtifactFormat.TarGz:
                    {
                        var file = OpenSequential(archivePath);
                        await using (file.ConfigureAwait(false))
                        {
                            await UnpackTarAsync(file, name, format, writer, layout, cancellationToken).ConfigureAwait(false);
                        }

                        break;
                    }

                case ArtifactFormat.Wheel:
                case ArtifactFormat.Zip:
                    await ZipUnpacker.UnpackAsync(archivePath, writer, layout, cancellationToken).ConfigureAwait(false);
                    break;
                case ArtifactFormat.Makeself:
                    await UnpackMakeselfAsync(archivePath, name, writer, layout, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    throw new UsageException($"{name}: {format.ToLockName()} artifacts are not unpacked by this version of nvsdk");
            }
        }
        catch (Exception e) when (Failure(e, name, writer) is { } failure)
        {
            throw failure;
        }

        return writer.Complete();
    }

    /// <summary>Whether <see cref="UnpackStreamAsync"/> takes this format: compressed tars, read front to back.</summary>
    public static bool Streams(ArtifactFormat format) => format is ArtifactFormat.TarXz or ArtifactFormat.TarGz;

    /// <summary>
    /// Unpacks a compressed tar from a forward-only stream (a download as it arrives). The caller checks the
    /// stream's digest; until then what was written is staging only. The stream is read ahead on another task,
    /// which has stopped by the time this returns or throws: the caller may then read the rest.
    /// </summary>
    public static async Task<TreeManifest> UnpackStreamAsync(
        Stream compressed,
        string name,
        long compressedSize,
        ArtifactFormat format,
        string destination,
        UnpackLimits? limits = null,
        CancellationToken cancellationToken = default)
    {
        if (!Streams(format))
        {
            throw new UsageException($"{name}: {format.ToLockName()} archives need random access and are unpacked from the stored file");
        }

        var writer = new SafeTreeWriter(destination, name, compressedSize, limits ?? new UnpackLimits());
        try
        {
            // Reading the download (and hashing it, which the follower does) on a core of its own: NVIDIA's
            // single-block xz decodes on one core, and that core is the install's tail, so it only decodes.
            // Small chunks: the decoder takes compressed bytes slowly, and 16 streams of 1 MiB chunks cost 40 MiB.
            var arriving = new ReadAheadStream(compressed, chunkSize: 128 << 10);
            await using (arriving.ConfigureAwait(false))
            {
                await UnpackTarAsync(arriving, name, format, writer, LayoutRule.For(format), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (Failure(e, name, writer) is { } failure)
        {
            throw failure;
        }

        return writer.Complete();
    }

    private static async Task UnpackTarAsync(Stream compressed, string name, ArtifactFormat format, SafeTreeWriter writer, LayoutRule layout, CancellationToken cancellationToken)
    {
        var decompressed = Decompress(compressed, name, format == ArtifactFormat.TarXz ? "xz" : "gzip");
        await using (decompressed.ConfigureAwait(false))
        {
            // Decoding on one core, hashing and writing on another.
            var ahead = new ReadAheadStream(decompressed);
            await using (ahead.ConfigureAwait(false))
            {
                await TarUnpacker.UnpackAsync(ahead, writer, layout, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Every way reading a damaged or hostile archive can fail, as one "&lt;archive&gt;: &lt;member&gt;: &lt;reason&gt;"
    /// error; null for errors that already say so, cancellation, and bugs (which must stay visible as bugs).
    /// </summary>
    internal static NvsdkException? Failure(Exception e, string archive, SafeTreeWriter writer)
    {
        var member = writer.CurrentEntry ?? "(before the first member)";
        return e switch
        {
            UnsafeArchiveException or OperationCanceledException => null,
            CorruptArchiveException corrupt => new UnsafeArchiveException(archive, member, corrupt.Message, e),
            NvsdkException => null,
            // GZipStream stops quietly at a cut input; the tar reader then finds a member cut short.
            EndOfStreamException => new UnsafeArchiveException(archive, member, "the archive ends early (a truncated download or a damaged file)", e),
            InvalidDataException or FormatException or OverflowException or ArgumentException or NotSupportedException =>
                new UnsafeArchiveException(archive, member, $"the archive is corrupt ({e.Message})", e),
            PathTooLongException => new UnsafeArchiveException(archive, member, "the path is too long for this file system", e),
            IOException => new UnsafeArchiveException(archive, member, $"writing it failed: {e.Message}", e, ErrorCode.StoreUnavailable),
            _ => null,
        };
    }

    private static async Task UnpackMakeselfAsync(string path, string name, SafeTreeWriter writer, LayoutRule layout, CancellationToken cancellationToken)
    {
        var header = MakeselfHeader.Read(path);
        var file = OpenSequential(path);
        await using (file.ConfigureAwait(false))
        {
            file.Seek(header.Offset, SeekOrigin.Begin);
            foreach (var size in header.Sizes)
            {
                var start = file.Position;
                var magic = new byte[6];
                var got = await file.ReadAtLeastAsync(magic, magic.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                file.Seek(start, SeekOrigin.Begin);
                var compression = Sniff(magic.AsSpan(0, got)) ?? throw new NvsdkException(
                    ErrorCode.InvalidInput,
                    $"{name}: the runfile payload is compressed with something other than gzip or xz (bzip2/zstd are not supported yet)");
                var payload = Decompress(new BoundedStream(file, size), name, compression);
                await using (payload.ConfigureAwait(false))
                {
                    await TarUnpacker.UnpackAsync(payload, writer, layout, cancellationToken).ConfigureAwait(false);
                }

                file.Seek(start + size, SeekOrigin.Begin);
            }
        }
    }

    private static string? Sniff(ReadOnlySpan<byte> magic) => magic switch
    {
        [0x1F, 0x8B, ..] => "gzip",
        [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00] => "xz",
        _ => null,
    };

    private static Stream Decompress(Stream compressed, string name, string compression) => compression switch
    {
        "xz" => new XzDecoderStream(compressed, threads: 0, leaveOpen: true),
        "gzip" => new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: true),
        _ => throw new NvsdkException(ErrorCode.InvalidInput, $"{name}: unsupported compression {compression}"),
    };

    private static FileStream OpenSequential(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
}
