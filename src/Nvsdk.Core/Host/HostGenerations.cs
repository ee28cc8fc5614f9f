using System.Globalization;
using System.Text;
using System.Text.Json;
using Nvsdk.Core.Store;

namespace Nvsdk.Core.Host;

/// <summary>
/// Host generations under var/lib/nvsdk/host: generations/&lt;n&gt;/record.json, content/&lt;sha256&gt; (every managed
/// file and every original nvsdk replaced, by hash), and `current` (the applied generation; 0 = the host as
/// it was). A generation is written completely before `current` moves; a newer generation than `current`
/// is an apply that died midway, which the next apply or rollback finishes first.
/// </summary>
public sealed class HostGenerations(HostRoot host)
{
    private string Dir => Path.Combine(host.StateDir, "generations");

    private string ContentDir => Path.Combine(host.StateDir, "content");

    private string CurrentPath => Path.Combine(host.StateDir, "current");

    public string LockPath => Path.Combine(host.StateDir, "host.lock");

    public int Current() =>
        File.Exists(CurrentPath) && int.TryParse(File.ReadAllText(CurrentPath).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;

    public HostRecord? Read(int number)
    {
        var path = Path.Combine(Dir, number.ToString(CultureInfo.InvariantCulture), "record.json");
        return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllBytes(path), HostJsonContext.Default.HostRecord) : null;
    }

    public IReadOnlyList<HostRecord> List() =>
        !Directory.Exists(Dir) ? [] : Directory.EnumerateDirectories(Dir)
            .Select(d => int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? Read(n) : null)
            .OfType<HostRecord>()
            .OrderBy(r => r.Number)
            .ToList();

    /// <summary>The newest recorded generation, which may be ahead of `current` after a crash.</summary>
    public int Newest() => List().Select(r => r.Number).DefaultIfEmpty(0).Max();

    /// <summary>Kept bytes by their sha256 (a managed file's, or an original's), exactly as they were.</summary>
    public byte[] Content(string sha256) => File.ReadAllBytes(Path.Combine(ContentDir, sha256));

    public void KeepContent(byte[] content)
    {
        Directory.CreateDirectory(ContentDir);
        var path = Path.Combine(ContentDir, HostRoot.Sha256(content));
        if (!File.Exists(path))
        {
            NvsdkStore.WriteAtomically(path, content);
        }
    }

    /// <summary>Records a generation (complete and durable) without making it current.</summary>
    public void Record(HostRecord record)
    {
        var final = Path.Combine(Dir, record.Number.ToString(CultureInfo.InvariantCulture));
        NvsdkStore.DeleteTree(final); // a half-recorded generation from a crash before `current` moved
        var staging = final + $".{Environment.ProcessId}.tmp";
        NvsdkStore.DeleteTree(staging);
        Directory.CreateDirectory(staging);
        NvsdkStore.WriteAtomically(Path.Combine(staging, "record.json"), JsonSerializer.SerializeToUtf8Bytes(record, HostJsonContext.Default.HostRecord));
        Platform.Posix.Rename(staging, final);
        Platform.Posix.FsyncDirectory(Dir);
    }

    public void SetCurrent(int number) =>
        NvsdkStore.WriteAtomically(CurrentPath, Encoding.UTF8.GetBytes(number.ToString(CultureInfo.InvariantCulture) + "\n"));

    /// <summary>Drops generations newer than <paramref name="newerThan"/>: what a rollback undid is not redone by the next apply.</summary>
    public void Forget(int newerThan)
    {
        foreach (var record in List().Where(r => r.Number > newerThan))
        {
            NvsdkStore.DeleteTree(Path.Combine(Dir, record.Number.ToString(CultureInfo.InvariantCulture)));
        }
    }
}
