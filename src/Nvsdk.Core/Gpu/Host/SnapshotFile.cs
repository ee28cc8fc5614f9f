using System.Text.Json;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Store;

namespace Nvsdk.Core.Gpu.Host;

/// <summary>Reads and writes host snapshots (`doctor --record` / `--from-snapshot`).</summary>
public static class SnapshotFile
{
    public static void Write(string path, HostSnapshot snapshot)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        NvsdkStore.WriteAtomically(full, JsonSerializer.SerializeToUtf8Bytes(snapshot, GpuJsonContext.Default.HostSnapshot));
    }

    public static HostSnapshot Read(string path)
    {
        const string Hint = "pass a file written by `nvsdk doctor --record FILE`";
        var bytes = Platform.UserFile.ReadAllBytes(path, "host snapshot", Hint);
        try
        {
            return JsonSerializer.Deserialize(bytes, GpuJsonContext.Default.HostSnapshot)
                ?? throw new UsageException($"{path} is empty, not a host snapshot", Hint);
        }
        catch (JsonException e)
        {
            throw new UsageException($"{path} is not a host snapshot: {Platform.UserFile.JsonProblem(e)}", Hint);
        }
    }
}
