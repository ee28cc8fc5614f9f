using System.Collections.Concurrent;

namespace Nvsdk.Testing;

/// <summary>
/// Real ELF shared objects for fixtures, built with the machine's gcc: each exports the version call of the
/// NVIDIA library it stands in for (cudaRuntimeGetVersion, cudnnGetVersion…), carries the real SONAME, and
/// so links and runs like the real thing in pkg-config, CMake and demo programs.
/// </summary>
public static class ElfLibrary
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<byte[]>>> Cache = new(StringComparer.Ordinal);

    public static Task<byte[]> BuildAsync(string soname, string cSource) =>
        Cache.GetOrAdd($"{soname}\n{cSource}", _ => new Lazy<Task<byte[]>>(() => CompileAsync(soname, cSource))).Value;

    private static async Task<byte[]> CompileAsync(string soname, string cSource)
    {
        var gcc = ProcessRunner.Require("gcc", "gcc");
        using var temp = new TempDir("nvsdk-elf-");
        var source = temp.Combine("lib.c");
        var output = temp.Combine("lib.so");
        await File.WriteAllTextAsync(source, cSource);
        var result = await ProcessRunner.RunAsync(gcc, ["-shared", "-fPIC", "-O1", $"-Wl,-soname,{soname}", "-o", output, source]);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"gcc failed for {soname}: {result}");
        }

        return await File.ReadAllBytesAsync(output);
    }
}
