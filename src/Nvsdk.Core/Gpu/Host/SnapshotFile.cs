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
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), GpuJsonContext.Default.HostSnapshot)
                ?? throw new UsageException($"{path} is empty, not a host snapshot");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read the snapshot {path}: {e.Message}", "pass a file written by `nvsdk doctor --record FILE`");
        }
        catch (JsonException e)
        {
            throw new UsageException($"{path} is not a host snapshot: {e.Message}", "pass a file written by `nvsdk doctor --record FILE`");
        }
    }
}
