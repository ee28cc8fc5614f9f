using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Nvsdk.Core.Errors;

namespace Nvsdk.Core.Unpack;

/// <summary>
/// Reads a makeself archive's shell header without running it: the payload starts after the header's first
/// <c>skip</c> lines (makeself ≥ 2.4 writes <c>skip="N"</c>; older ones, as in some CUDA runfiles, write
/// <c>head -n N "$0"</c>) and is one or more compressed tarballs whose sizes <c>filesizes="…"</c> lists.
/// </summary>
internal static partial class MakeselfHeader
{
    private const int MaxHeaderBytes = 4 << 20;

    public static MakeselfLayout Read(string path)
    {
        using var stream = File.OpenRead(path);
        var head = new byte[(int)Math.Min(MaxHeaderBytes, stream.Length)];
        stream.ReadExactly(head);
        var text = Encoding.Latin1.GetString(head);
        if (!text.StartsWith("#!", StringComparison.Ordinal) || !text.Contains("makeself", StringComparison.OrdinalIgnoreCase))
        {
            throw Bad(path, "it is not a makeself archive (no makeself shell header)");
        }

        var skipMatch = SkipPattern().Match(text) is { Success: true } m ? m : HeadPattern().Match(text);
        if (!skipMatch.Success)
        {
            throw Bad(path, "its header says nowhere how many lines to skip");
        }

        if (!int.TryParse(skipMatch.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var skip))
        {
            throw Bad(path, $"its header skips {Clip(skipMatch.Groups[1].Value)} lines, more than a header can have");
        }

        var offset = 0;
        for (var line = 0; line < skip; line++)
        {
            var newline = Array.IndexOf(head, (byte)'\n', offset);
            if (newline < 0)
            {
                throw Bad(path, $"its header is shorter than the {skip} lines it claims");
            }

            offset = newline + 1;
        }

        var sizes = SizesPattern().Match(text) is { Success: true } s
            ? s.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(ParseSize).ToList()
            : [stream.Length - offset];
        var remaining = stream.Length - offset;
        foreach (var size in sizes)
        {
            remaining -= size; // each size is at most the file's length, so this cannot overflow
            if (remaining < 0)
            {
                throw Bad(path, "its payload is shorter than its header says (truncated download?)");
            }
        }

        return sizes.Count == 0 ? throw Bad(path, "its header lists no payload sizes") : new MakeselfLayout(offset, sizes);

        long ParseSize(string value) =>
            long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size <= stream.Length
                ? size
                : throw Bad(path, $"its header gives a payload size of {Clip(value)} bytes, larger than the file itself");
    }

    private static string Clip(string digits) => digits.Length > 24 ? digits[..24] + "…" : digits;

    private static NvsdkException Bad(string path, string why) => new(ErrorCode.InvalidInput, $"{Path.GetFileName(path)}: {why}");

    [GeneratedRegex("^skip=\"(\\d+)\"", RegexOptions.Multiline)]
    private static partial Regex SkipPattern();

    [GeneratedRegex("head -n \"?(\\d+)\"? \"?\\$[01]\"?")]
    private static partial Regex HeadPattern();

    [GeneratedRegex("^filesizes=\"([\\d ]*)\"", RegexOptions.Multiline)]
    private static partial Regex SizesPattern();
}

/// <summary>Where a makeself payload lies: its byte offset and the size of each tarball in it.</summary>
internal sealed record MakeselfLayout(long Offset, IReadOnlyList<long> Sizes);
