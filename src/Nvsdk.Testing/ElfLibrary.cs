using System.Collections.Concurrent;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Testing;

/// <summary>
/// Real ELF shared objects for fixtures, built with the machine's gcc: each exports the version call of the
/// NVIDIA library it stands in for (cudaRuntimeGetVersion, cudnnGetVersion…), carries the real SONAME, and
/// so links and runs like the real thing in pkg-config, CMake and demo programs. Built for either system:
/// with gcc for this machine's, with Debian's cross gcc (gcc-aarch64-linux-gnu, gcc-x86-64-linux-gnu) for the other.
/// </summary>
public static class ElfLibrary
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<byte[]>>> Cache = new(StringComparer.Ordinal);

    public static Task<byte[]> BuildAsync(SystemId system, string soname, string cSource) =>
        Cache.GetOrAdd($"{system}\n{soname}\n{cSource}", _ => new Lazy<Task<byte[]>>(() => CompileAsync(system, soname, cSource))).Value;

    /// <summary>The C compiler that targets <paramref name="system"/> on this machine, or null when it is not installed.</summary>
    public static string? CompilerFor(SystemId system) => ProcessRunner.Which(CompilerName(system).Name);

    private static (string Name, string DebianPackage) CompilerName(SystemId system) =>
        system == SystemId.Host ? ("gcc", "gcc")
        : system == SystemId.Aarch64Linux ? ("aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu")
        : ("x86_64-linux-gnu-gcc", "gcc-x86-64-linux-gnu");

    private static async Task<byte[]> CompileAsync(SystemId system, string soname, string cSource)
    {
        var (name, package) = CompilerName(system);
        var gcc = ProcessRunner.Require(name, package);
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
