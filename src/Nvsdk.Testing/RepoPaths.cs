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

    /// <summary>The lock file shipped with nvsdk, with the real pins.</summary>
    public static string ShippedLock => Path.Combine(Root, "nvsdk.lock.json");

    /// <summary>The shipped lock with CUDA as NVIDIA's redistrib packages (scripts/redist-lock.py from redistrib_13.1.1.json).</summary>
    public static string RedistLock => Path.Combine(Root, "examples", "nvsdk-cuda-13.1.1-redist.lock.json");
}
