using System.Runtime.CompilerServices;

namespace Nvsdk.Core.Host.Cdi;

/// <summary>
/// nvsdk copied into the host as the CDI spec's hook program, a file apply manages like any other (recorded before,
/// shown in plan, put back by rollback). It makes the spec work where the host has no nvsdk at a stable path and no
/// nvidia-cdi-hook: the Kubernetes DaemonSet runs `host apply --root /host` from its image, whose nvsdk the host's
/// container runtime cannot see. The copy is the very program that wrote the spec, so every hook verb the spec names
/// (enable-cuda-compat included) is one it knows; an upgraded nvsdk rewrites it on its next apply.
/// </summary>
public static class CdiHookInstall
{
    /// <summary>
    /// Where the copy goes: libexec (a program run by other programs, not by people, so not on PATH), under /usr/local
    /// (the local administrator's, never a distribution package's).
    /// </summary>
    public const string HookPath = "/usr/local/libexec/nvsdk/nvsdk-cdi-hook";

    public const string Mode = "755";

    /// <summary>
    /// The running program when it is nvsdk's self-contained NativeAOT binary, the one thing that can run alone on any
    /// host; null under `dotnet nvsdk.dll` or a test host, whose ProcessPath is the .NET host, not nvsdk.
    /// </summary>
    public static string? SelfBinary()
    {
        if (RuntimeFeature.IsDynamicCodeSupported)
        {
            return null;
        }

        var path = Environment.ProcessPath;
        return path is not null && System.IO.File.Exists(path) ? path : null;
    }

    /// <summary>The managed file that installs <paramref name="binary"/> (a path on this machine) as the hook.</summary>
    public static ManagedFile File(string binary) =>
        new(HookPath, string.Empty, Mode, $"container.enable = true (the CDI spec's hook program: this nvsdk, {binary})")
        {
            Data = System.IO.File.ReadAllBytes(binary),
        };
}
