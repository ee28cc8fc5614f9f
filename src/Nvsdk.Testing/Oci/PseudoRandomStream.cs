using System.Buffers.Binary;

namespace Nvsdk.Testing.Oci;

/// <summary>
/// A read-only, seekable stream of <c>length</c> deterministic pseudo-random bytes. Each 8-byte word is
/// SplitMix64 of its index masked by the seed's own hash, so any position is computed directly (seeking is
/// free, large fixture files cost no memory) and two seeds do not give shifted copies of one sequence.
/// </summary>
public sealed class PseudoRandomStream(long length, ulong seed) : Nvsdk.Core.Platform.SeekableReadOnlyStream(length)
{
    private readonly ulong mask = SplitMix64(seed);

    public override int Read(Span<byte> buffer)
    {
        var n = Want(buffer.Length);
        var position = Position;
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

        Position = position + n;
        return n;
    }

    private static ulong SplitMix64(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
