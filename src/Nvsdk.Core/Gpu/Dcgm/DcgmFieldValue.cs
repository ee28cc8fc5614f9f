using System.Runtime.InteropServices;

namespace Nvsdk.Core.Gpu.Dcgm;

/// <summary>
/// dcgmFieldValue_v1 exactly as dcgm_structs.h (DCGM 4.x) lays it out: version, fieldId, fieldType, status, 4
/// bytes of padding, a usec timestamp, then a 4096-byte union (int64, double, string, blob) at offset 24; 4120
/// bytes in all. Only the numeric members of the union are read.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal unsafe struct DcgmFieldValue
{
    public const int Size = 4120;

    /// <summary>MAKE_DCGM_VERSION(dcgmFieldValue_v1, 1): the struct's size with the version in the top byte.</summary>
    public const uint Version1 = Size | (1u << 24);

    /// <summary>DCGM_FT_DOUBLE and DCGM_FT_INT64 (dcgm_fields.h), the only types nvsdk serves.</summary>
    public const ushort TypeDouble = 'd';
    public const ushort TypeInt64 = 'i';
    public const ushort TypeString = 's';

    /// <summary>Values at or above these are DCGM's "blank" markers (not found, not supported…), never data.</summary>
    public const long Int64Blank = 0x7ffffffffffffff0;
    public const double DoubleBlank = 140737488355328.0;

    [FieldOffset(0)] public uint Version;
    [FieldOffset(4)] public ushort FieldId;
    [FieldOffset(6)] public ushort FieldType;
    [FieldOffset(8)] public int Status;
    [FieldOffset(16)] public long TimestampUsec;
    [FieldOffset(24)] public long Int64;
    [FieldOffset(24)] public double Double;
    [FieldOffset(24)] public fixed byte Text[256];

    /// <summary>A DCGM_FT_STRING value (DCGM_FI_DEV_UUID), or null.</summary>
    public readonly string? String
    {
        get
        {
            if (Status != 0 || FieldType != TypeString)
            {
                return null;
            }

            fixed (byte* text = Text)
            {
                var bytes = new ReadOnlySpan<byte>(text, 256);
                var end = bytes.IndexOf((byte)0);
                return System.Text.Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
            }
        }
    }

    /// <summary>The value as a number, or null when DCGM has none (an error status, a blank, a non-numeric type).</summary>
    public readonly double? Number => Status != 0 ? null : FieldType switch
    {
        TypeDouble when Double < DoubleBlank => Double,
        TypeInt64 when Int64 < Int64Blank => Int64,
        _ => null,
    };
}
