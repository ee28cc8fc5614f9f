namespace Nvsdk.Testing;

/// <summary>Files of this repository that tests read, found from the test assembly's folder.</summary>
public static class RepoPaths
{
    /// <summary>The folder holding nvsdk.slnx.</summary>
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "nvsdk.slnx")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException($"no nvsdk.slnx above {AppContext.BaseDirectory}");
        }
    }

    /// <summary>The lock file shipped with nvsdk, with the real pins: CUDA 13.1.1 as NVIDIA's redistrib packages.</summary>
    public static string ShippedLock => Path.Combine(Root, "nvsdk.lock.json");

    /// <summary>The runfile form of the lock (CUDA 13.1.0 as its .run installers), kept as a tested variant.</summary>
    public static string RunfileLock => Path.Combine(Root, "examples", "nvsdk-cuda-13.1.0-runfile.lock.json");
}
