using System.Globalization;

namespace Nvsdk.Core.Unpack;

/// <summary>
/// How a tar member says it is one part of a larger file (nvsdk's cache layers cut huge files so they
/// unpack on several cores): two vendor PAX keywords, in POSIX's VENDOR.keyword form like GNU.sparse.* or
/// SCHILY.xattr.*, giving the part's offset in the file and the whole file's size. Any other tar reader
/// ignores them and sees a file holding just that part.
/// </summary>
internal static class FilePartHeader
{
    public const string OffsetKey = "NVSDK.part.offset";
    public const string SizeKey = "NVSDK.part.size";

    public static IEnumerable<KeyValuePair<string, string>> For(long offset, long fileSize) =>
    [
        new(OffsetKey, offset.ToString(CultureInfo.InvariantCulture)),
        new(SizeKey, fileSize.ToString(CultureInfo.InvariantCulture)),
    ];

    /// <summary>The part a member describes, or null for a whole file; a malformed pair is refused by the caller.</summary>
    public static (long Offset, long FileSize)? Read(IReadOnlyDictionary<string, string> attributes, out string? problem)
    {
        problem = null;
        var hasOffset = attributes.TryGetValue(OffsetKey, out var offsetText);
        var hasSize = attributes.TryGetValue(SizeKey, out var sizeText);
        if (!hasOffset && !hasSize)
        {
            return null;
        }

        if (!long.TryParse(offsetText, NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            || !long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            problem = $"a file part with a malformed {OffsetKey}/{SizeKey} ('{offsetText}', '{sizeText}')";
            return null;
        }

        return (offset, size);
    }
}
