using System.IO.Hashing;
using Nvsdk.Core.Platform;

namespace Nvsdk.Core.Unpack;

/// <summary>
/// A zip member's data, checked as it is read against what the central directory promises: never more
/// bytes than its size, and at the end exactly its size and its CRC-32 (as `unzip -t` checks). Without
/// this, a member whose directory entry says 5 bytes with the CRC of "hello" installs whatever its deflate
/// stream inflates to.
/// </summary>
internal sealed class ZipMemberCheck(Stream inner, long size, uint crc32, Func<string, Exception> refuse) : ReadOnlyStream
{
    private readonly Crc32 crc = new();
    private long read;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => Check(buffer, inner.Read(buffer[..Window(buffer.Length)]));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer[..Window(buffer.Length)], cancellationToken).ConfigureAwait(false);
        return Check(buffer.Span, n);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>One byte past the declared size is asked for, so an overlong member is seen, not cut silently.</summary>
    private int Window(int length) => (int)Math.Min(length, size - read + 1);

    private int Check(ReadOnlySpan<byte> buffer, int n)
    {
        read += n;
        if (read > size)
        {
            throw refuse($"the data is longer than the {size} bytes its directory entry says");
        }

        crc.Append(buffer[..n]);
        if (n == 0 && buffer.Length > 0)
        {
            if (read != size)
            {
                throw refuse($"the data ends after {read} of the {size} bytes its directory entry says");
            }

            if (crc.GetCurrentHashAsUInt32() != crc32)
            {
                throw refuse($"bad CRC-32 {crc.GetCurrentHashAsUInt32():x8} (its directory entry says {crc32:x8}): damaged or forged");
            }
        }

        return n;
    }
}
