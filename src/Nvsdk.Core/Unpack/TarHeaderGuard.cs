using Nvsdk.Core.Errors;
using Nvsdk.Core.Platform;

namespace Nvsdk.Core.Unpack;

/// <summary>
/// Sits between a decompressed tar stream and <see cref="System.Formats.Tar.TarReader"/>, following the
/// 512-byte block structure as the bytes pass, and refuses a GNU long name or link (<c>L</c>/<c>K</c>) over
/// <see cref="ArchivePath.MaxNameBytes"/> or a PAX header over <see cref="MaxPaxBytes"/> before the reader
/// allocates them: TarReader reads those bodies into memory whole, so a 39 KB tar.xz carrying a 256 MiB
/// name otherwise costs gigabytes. Like TarReader, every header's data takes its size rounded up to 512.
/// </summary>
internal sealed class TarHeaderGuard(Stream inner, string archive) : ReadOnlyStream
{
    /// <summary>A PAX header holds a few keywords (path, linkpath, times, xattrs); 1 MiB is far more than any real one.</summary>
    public const int MaxPaxBytes = 1 << 20;

    private const int Block = 512;

    private readonly byte[] header = new byte[Block];
    private int headerFill;
    private long dataLeft;
    private long offset;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        Inspect(buffer[..n]);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Inspect(buffer.Span[..n]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void Inspect(ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length > 0)
        {
            if (dataLeft > 0)
            {
                var skip = (int)Math.Min(dataLeft, bytes.Length);
                dataLeft -= skip;
                offset += skip;
                bytes = bytes[skip..];
                continue;
            }

            var take = Math.Min(Block - headerFill, bytes.Length);
            bytes[..take].CopyTo(header.AsSpan(headerFill));
            headerFill += take;
            offset += take;
            bytes = bytes[take..];
            if (headerFill == Block)
            {
                headerFill = 0;
                Check();
            }
        }
    }

    private void Check()
    {
        var size = Size(header.AsSpan(124, 12));
        var limit = (char)header[156] switch
        {
            'L' or 'K' => ArchivePath.MaxNameBytes + 1, // the name and its NUL
            'x' or 'g' or 'X' => MaxPaxBytes,
            _ => long.MaxValue,
        };
        if (size > limit)
        {
            var what = (char)header[156] is 'L' or 'K' ? "a GNU long name" : "a PAX header";
            throw new UnsafeArchiveException(archive, $"(the header at byte {offset - Block})", $"{what} of {size} bytes, over the {limit}-byte limit");
        }

        dataLeft = size == 0 ? 0 : ((size + Block - 1) / Block) * Block;
    }

    /// <summary>The size field: octal digits, or GNU base-256 (high bit set) for sizes of 8 GiB and more.</summary>
    private long Size(ReadOnlySpan<byte> field)
    {
        if ((field[0] & 0x80) != 0)
        {
            if (field[0] == 0xFF || field[1..4].IndexOfAnyExcept((byte)0) >= 0)
            {
                throw new UnsafeArchiveException(archive, $"(the header at byte {offset - Block})", "a size that is negative or beyond 2^63");
            }

            long value = 0;
            foreach (var b in field[4..])
            {
                value = (value << 8) | b;
            }

            return value < 0 ? throw new UnsafeArchiveException(archive, $"(the header at byte {offset - Block})", "a size beyond 2^63") : value;
        }

        long octal = 0;
        foreach (var b in field)
        {
            if (b is >= (byte)'0' and <= (byte)'7')
            {
                octal = (octal << 3) | (long)(b - '0');
            }
            else if (b is 0 or (byte)' ' && octal > 0)
            {
                break;
            }
        }

        return octal; // 11 octal digits: at most 8 GiB, no overflow; a garbled field is TarReader's to refuse
    }
}
