using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace Nvsdk.Core.Host.Cdi;

/// <summary>
/// The libraries the dynamic linker's cache lists: glibc's binary "glibc-ld.so.cache1.1" format (alone, or after the
/// old "ld.so-1.7.0" table), or the text <c>ldconfig -p</c> prints (which a fake root may hold instead). Only
/// 64-bit x86-64 and AArch64 entries count; a file in neither shape, or out of bounds anywhere, yields nothing.
/// </summary>
internal static partial class LdCache
{
    /// <summary>Larger than any real cache (a few hundred KiB with thousands of libraries).</summary>
    public const long MaxBytes = 64L << 20;

    private const string OldMagic = "ld.so-1.7.0";
    private const string NewMagic = "glibc-ld.so.cache1.1";
    private const int NewHeaderSize = 48;
    private const int NewEntrySize = 24;
    private const int OldHeaderSize = 16;
    private const int OldEntrySize = 12;
    private const int FlagTypeMask = 0x00ff;
    private const int FlagElfLibc6 = 0x0003;
    private const int FlagArchMask = 0xff00;
    private const int FlagX8664Lib64 = 0x0300;
    private const int FlagAArch64Lib64 = 0x0a00;
    private const byte EndianUnset = 0;
    private const byte LittleEndian = 2;

    /// <summary>(soname, path) pairs in the cache's own order.</summary>
    public static IReadOnlyList<(string Name, string Path)> Parse(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith(Encoding.ASCII.GetBytes(NewMagic)))
        {
            return ParseNew(data, 0);
        }

        if (data.StartsWith(Encoding.ASCII.GetBytes(OldMagic)))
        {
            if (data.Length < OldHeaderSize)
            {
                return [];
            }

            var oldCount = BinaryPrimitives.ReadUInt32LittleEndian(data[12..]);
            var afterOld = OldHeaderSize + ((long)oldCount * OldEntrySize);
            var aligned = (afterOld + 7) & ~7L;
            return aligned < data.Length && data[(int)aligned..].StartsWith(Encoding.ASCII.GetBytes(NewMagic))
                ? ParseNew(data, (int)aligned)
                : [];
        }

        return ParseText(Encoding.UTF8.GetString(data));
    }

    /// <summary>The lines of <c>ldconfig -p</c>: "libcuda.so.1 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcuda.so.1".</summary>
    public static IReadOnlyList<(string Name, string Path)> ParseText(string text)
    {
        var found = new List<(string, string)>();
        foreach (var line in text.Split('\n'))
        {
            var m = TextLine().Match(line);
            if (m.Success && (m.Groups[2].Value.Contains("x86-64", StringComparison.Ordinal) || m.Groups[2].Value.Contains("AArch64", StringComparison.Ordinal)))
            {
                found.Add((m.Groups[1].Value, m.Groups[3].Value.Trim()));
            }
        }

        return found;
    }

    private static List<(string, string)> ParseNew(ReadOnlySpan<byte> data, int start)
    {
        var cache = data[start..];
        if (cache.Length < NewHeaderSize || cache[28] is not (EndianUnset or LittleEndian))
        {
            return [];
        }

        var count = BinaryPrimitives.ReadUInt32LittleEndian(cache[20..]);
        if (count > (cache.Length - NewHeaderSize) / NewEntrySize)
        {
            return [];
        }

        var found = new List<(string, string)>((int)count);
        for (var i = 0; i < (int)count; i++)
        {
            var entry = cache.Slice(NewHeaderSize + (i * NewEntrySize), NewEntrySize);
            var flags = BinaryPrimitives.ReadInt32LittleEndian(entry);
            var arch = flags & FlagArchMask;
            if ((flags & FlagTypeMask) != FlagElfLibc6 || (arch != FlagX8664Lib64 && arch != FlagAArch64Lib64))
            {
                continue;
            }

            // String offsets count from the start of the new-format header.
            if (CString(cache, BinaryPrimitives.ReadUInt32LittleEndian(entry[4..])) is { } key
                && CString(cache, BinaryPrimitives.ReadUInt32LittleEndian(entry[8..])) is { } value)
            {
                found.Add((key, value));
            }
        }

        return found;
    }

    private static string? CString(ReadOnlySpan<byte> cache, uint offset)
    {
        if (offset >= cache.Length)
        {
            return null;
        }

        var rest = cache[(int)offset..];
        var end = rest.IndexOf((byte)0);
        return end <= 0 ? null : Encoding.UTF8.GetString(rest[..end]);
    }

    [GeneratedRegex(@"^\s*(\S+)\s+\(([^)]*)\)\s+=>\s+(/.*)$")]
    private static partial Regex TextLine();
}
