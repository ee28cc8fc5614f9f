namespace Nvsdk.Testing;

/// <summary>
/// Builds tests/fixtures/dcgm/fake_dcgm.c into a `libdcgm.so.4` test double with gcc: DCGM's real calls and
/// struct layouts, fixed values (see the C file for what each switch does). DCGM itself is not a Debian
/// package, so this is how the exporter's DCGM path is exercised off a GPU host.
/// </summary>
public static class FakeDcgm
{
    public const string MissingReason = "gcc is not installed: apt-get install gcc (scripts/deps.sh)";

    public static string Source => Path.Combine(RepoPaths.Root, "tests", "fixtures", "dcgm", "fake_dcgm.c");

    public static string? Gcc => ProcessRunner.Which("gcc");

    /// <summary>Builds the double into <paramref name="folder"/>/libdcgm.so.4 (no SONAME, so each build loads on its own) and returns its path.</summary>
    public static async Task<string> BuildAsync(string folder, IEnumerable<string> uuids, params string[] switches)
    {
        Directory.CreateDirectory(folder);
        var library = Path.Combine(folder, "libdcgm.so.4");
        var list = string.Join(',', uuids.Select(u => $"\"{u}\""));
        var result = await ProcessRunner.RunAsync(
            Gcc ?? throw new InvalidOperationException(MissingReason),
            ["-Wall", "-Wextra", "-Werror", "-shared", "-fPIC", "-o", library, Source, $"-DFAKE_UUIDS={list}", .. switches.Select(s => "-D" + s)]);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"building the DCGM test double failed: {result}");
        }

        return library;
    }

    /// <summary>A libdcgm.so.4 that loads but exports none of DCGM's calls (an unrelated or broken library).</summary>
    public static async Task<string> BuildEmptyAsync(string folder)
    {
        Directory.CreateDirectory(folder);
        var source = Path.Combine(folder, "empty.c");
        await File.WriteAllTextAsync(source, "int not_dcgm(void) { return 0; }\n");
        var library = Path.Combine(folder, "libdcgm.so.4");
        var result = await ProcessRunner.RunAsync(Gcc ?? throw new InvalidOperationException(MissingReason), ["-shared", "-fPIC", "-o", library, source]);
        return result.ExitCode == 0 ? library : throw new InvalidOperationException(result.ToString());
    }
}
