using System.Globalization;
using System.Text.Json;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Store;

namespace Nvsdk.Core.Sdk;

/// <summary>
/// The numbered SDK generations under generations/ and the `current` link. Switching is one rename of a
/// new symlink over the old, so a reader (or a crash) sees the old generation or the new, never neither.
/// </summary>
public sealed class Generations(StoreLayout layout)
{
    private const string Prefix = "sdk-";

    public string Dir => layout.GenerationsDir;

    /// <summary>The stable path users put in their environment: it follows `switch` and `rollback`.</summary>
    public string CurrentLink => Path.Combine(Dir, "current");

    public string PathOf(int number) => Path.Combine(Dir, Prefix + number.ToString(CultureInfo.InvariantCulture));

    public string RecordPath(int number) => PathOf(number) + ".json";

    /// <summary>Every complete generation (tree and record present), oldest first.</summary>
    public IReadOnlyList<GenerationRecord> List()
    {
        if (!Directory.Exists(Dir))
        {
            return [];
        }

        return Directory.EnumerateFiles(Dir, Prefix + "*.json")
            .Select(ReadRecord)
            .OfType<GenerationRecord>()
            .Where(r => Directory.Exists(PathOf(r.Number)))
            .OrderBy(r => r.Number)
            .ToList();
    }

    public int? CurrentNumber()
    {
        var target = new FileInfo(CurrentLink).LinkTarget;
        return target is not null && target.StartsWith(Prefix, StringComparison.Ordinal)
            && int.TryParse(target.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : null;
    }

    public GenerationRecord? Current() =>
        CurrentNumber() is { } n && File.Exists(RecordPath(n)) ? ReadRecord(RecordPath(n)) : null;

    public int NextNumber() => List().Select(r => r.Number).DefaultIfEmpty(0).Max() + 1;

    /// <summary>Points `current` at generation <paramref name="number"/>, atomically.</summary>
    public GenerationRecord Switch(int number)
    {
        var record = List().FirstOrDefault(r => r.Number == number)
            ?? throw new UsageException($"there is no generation {number}", "see `nvsdk generations list`");
        var temp = $"{CurrentLink}.{Environment.ProcessId}.tmp";
        File.Delete(temp);
        File.CreateSymbolicLink(temp, Prefix + number.ToString(CultureInfo.InvariantCulture));
        Platform.Posix.Rename(temp, CurrentLink); // atomically replaces the old link
        Platform.Posix.FsyncDirectory(Dir);
        return record;
    }

    /// <summary>Goes back to the newest generation older than the current one.</summary>
    public GenerationRecord Rollback()
    {
        var current = CurrentNumber() ?? throw new UsageException("there is no current generation to roll back from", "run `nvsdk install` first");
        var previous = List().Where(r => r.Number < current).Select(r => (int?)r.Number).LastOrDefault()
            ?? throw new UsageException($"generation {current} is the oldest there is; nothing to roll back to");
        return Switch(previous);
    }

    internal void WriteRecord(GenerationRecord record) =>
        NvsdkStore.WriteAtomically(RecordPath(record.Number), JsonSerializer.SerializeToUtf8Bytes(record, SdkJsonContext.Default.GenerationRecord));

    private static GenerationRecord? ReadRecord(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), SdkJsonContext.Default.GenerationRecord);
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return null; // a half-written record from a crash: that generation never became valid
        }
    }
}
