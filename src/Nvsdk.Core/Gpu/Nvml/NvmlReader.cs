namespace Nvsdk.Core.Gpu.Nvml;

/// <summary>Reads an <see cref="NvmlReport"/> from the live driver once; never throws for a missing or broken driver.</summary>
public static class NvmlReader
{
    public static NvmlReport Read(Func<int, string?>? processName = null)
    {
        using var session = NvmlSession.TryOpen(out var error);
        return session?.Read(processName ?? (_ => null)) ?? new NvmlReport { Error = error };
    }
}
