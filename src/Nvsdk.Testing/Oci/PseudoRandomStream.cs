using System.Buffers.Binary;

namespace Nvsdk.Testing.Oci;

/// <summary>
/// A read-only, seekable stream of <c>length</c> deterministic pseudo-random bytes. Each 8-byte word is
/// SplitMix64 of its index masked by the seed's own hash, so any position is computed directly (seeking is
/// free, large fixture files cost no memory) and two seeds do not give shifted copies of one sequence.
/// </summary>
public sealed class PseudoRandomStream(long length, ulong seed) : Stream
{
    private readonly ulong mask = SplitMix64(seed);
    private long position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => position;
        set => position = value is >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, Math.Max(0, length - position));
        var i = 0;

        // A partial first word, whole words straight into the buffer, a partial last word.
        Span<byte> word = stackalloc byte[8];
        while (i < n)
        {
            var at = position + i;
            var value = SplitMix64(mask ^ (ulong)(at / 8));
            var skip = (int)(at % 8);
            if (skip == 0 && n - i >= 8)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(buffer[i..], value);
                i += 8;
                continue;
            }

            BinaryPrimitives.WriteUInt64LittleEndian(word, value);
            var take = Math.Min(8 - skip, n - i);
            word.Slice(skip, take).CopyTo(buffer[i..]);
            i += take;
        }

        position += n;
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => position + offset,
        _ => length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private static ulong SplitMix64(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
