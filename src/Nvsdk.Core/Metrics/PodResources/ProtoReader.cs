using System.Text;

namespace Nvsdk.Core.Metrics.PodResources;

/// <summary>
/// Just enough of the protobuf wire format to read the kubelet's ListPodResourcesResponse: varints,
/// length-delimited fields (strings and nested messages), and skipping every other wire type, so fields a
/// newer kubelet adds (cpu_ids, memory, dynamic_resources…) pass by unread.
/// </summary>
internal ref struct ProtoReader(ReadOnlySpan<byte> buffer)
{
    /// <summary>Reads one field's value when it knows the field (returns true); the caller skips the others.</summary>
    public delegate bool FieldReader(int field, int wireType, ref ProtoReader reader);

    private readonly ReadOnlySpan<byte> buffer = buffer;
    private int position;

    /// <summary>Walks every field of <paramref name="message"/>: <paramref name="read"/> takes the ones it knows, the rest are skipped.</summary>
    public static void Read(ReadOnlySpan<byte> message, FieldReader read)
    {
        var reader = new ProtoReader(message);
        while (reader.Next(out var field, out var wire))
        {
            if (!read(field, wire, ref reader))
            {
                reader.Skip(wire);
            }
        }
    }

    /// <summary>The next field's number and wire type; false at the end of the message.</summary>
    public bool Next(out int field, out int wireType)
    {
        if (position >= buffer.Length)
        {
            field = wireType = 0;
            return false;
        }

        var key = Varint();
        field = (int)(key >> 3);
        wireType = (int)(key & 7);
        return field > 0 ? true : throw new FormatException("protobuf field number 0");
    }

    /// <summary>A length-delimited field's bytes (wire type 2).</summary>
    public ReadOnlySpan<byte> Bytes()
    {
        var length = Varint();
        if (length > (ulong)(buffer.Length - position))
        {
            throw new FormatException("protobuf length past the end of the message");
        }

        var bytes = buffer.Slice(position, (int)length);
        position += (int)length;
        return bytes;
    }

    public string String() => Encoding.UTF8.GetString(Bytes());

    /// <summary>Skips one field of the given wire type.</summary>
    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case 0:
                Varint();
                break;
            case 1:
                Advance(8);
                break;
            case 2:
                Bytes();
                break;
            case 5:
                Advance(4);
                break;
            default:
                throw new FormatException($"protobuf wire type {wireType} is not supported");
        }
    }

    private void Advance(int count)
    {
        if (count > buffer.Length - position)
        {
            throw new FormatException("protobuf field past the end of the message");
        }

        position += count;
    }

    private ulong Varint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= buffer.Length)
            {
                throw new FormatException("protobuf varint past the end of the message");
            }

            var b = buffer[position++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new FormatException("protobuf varint longer than 10 bytes");
    }
}
