using System.Text.Json;
using Nvsdk.Testing;

namespace Nvsdk.Cli.Tests;

/// <summary>`nvsdk install` end to end: the real binary, fixtures from a real nginx, checked by pkg-config, CMake and Lmod.</summary>
[Trait("Lane", "NonRoot")]
public sealed class InstallCommandTests(FixtureServer fixtures) : IClassFixture<FixtureServer>, IDisposable
{
    private readonly TempDir temp = new();

    private string Root => temp.Combine("root");

    private string Current => Path.Combine(Root, "generations", "current");

    public void Dispose() => temp.Dispose();

    /// <summary>The fixture CUDA toolkit's redistrib packages (the shipped lock's form; a user may install any subset).</summary>
    private static readonly string[] CudaToolkit = ["cuda_nvcc", "libnvvm", "cuda_cudart", "cuda_nvrtc"];

    private async Task<string> InstallAsync(params string[] extra)
    {
        var lockFile = fixtures.WriteLock(temp.Combine("lock.json"), "mirror", "upstream");
        var install = await Nvsdk.RunAsync(["install", "--lock", lockFile, "--root", Root, "--allow-unpinned", .. extra]);
        Assert.True(install.ExitCode == 0, install.ToString());
        return lockFile;
    }

    private async Task<ProcessResult> ShellAsync(params string[] command)
    {
        var result = await Nvsdk.RunAsync(["shell", "--root", Root, "--", .. command]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    [Fact]
    public async Task Install_FromMirror_PkgConfigResolvesInsideTheGeneration()
    {
        await InstallAsync();
        var flags = (await ShellAsync("pkg-config", "--cflags", "--libs", "cudart-13.1", "cudnn", "nccl", "nvidia-sdk")).Stdout;
        var generation = Path.Combine(Root, "generations", "sdk-1");
        Assert.Contains($"-I{generation}/include", flags, StringComparison.Ordinal);
        Assert.Contains($"-L{generation}/lib64", flags, StringComparison.Ordinal);
        Assert.Contains("-lcudart", flags, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(generation, "include", "cuda_runtime_api.h")));
        Assert.True(File.Exists(Path.Combine(generation, "lib64", "libnccl.so"))); // dev link added for the wheel
        using var version = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Current, "version.json")));
        Assert.Equal("9.17.0.29", version.RootElement.GetProperty("components").GetProperty("cudnn").GetString());
    }

    [Fact]
    public async Task Install_RedistribForm_EveryCudaPackageIsAComponentOfTheGeneration()
    {
        await InstallAsync();
        using var version = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Current, "version.json")));
        var components = version.RootElement.GetProperty("components");
        Assert.Equal("13.1.1", version.RootElement.GetProperty("cuda").GetString());
        Assert.Equal(("13.1.115", "13.1.80"), (components.GetProperty("cuda_nvcc").GetString(), components.GetProperty("cuda_cudart").GetString()));
        Assert.True(File.Exists(Path.Combine(Current, "nvvm", "bin", "cicc"))); // libnvvm's tree beside nvcc, where nvcc.profile looks
        Assert.True(File.Exists(Path.Combine(Current, "share", "licenses", "LICENSE-cuda_cudart.txt")));

        // As the README shows it: the SDK's nvcc is found on the SDK's PATH, not only through a shell.
        Assert.Contains("release 13.1", (await ShellAsync("nvcc", "--version")).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Install_RunfileFormLock_BuildsTheSameSdkFromTheInstallers()
    {
        var lockFile = fixtures.WriteLock(temp.Combine("runfile.lock.json"), "mirror", "upstream", runfile: true);
        var install = await Nvsdk.RunAsync("install", "--lock", lockFile, "--root", Root, "--allow-unpinned");
        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.Contains("cuda 13.1.0", install.Stdout, StringComparison.Ordinal);

        using var version = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Current, "version.json")));
        Assert.Equal("13.1.0", version.RootElement.GetProperty("components").GetProperty("cuda").GetString());
        var source = temp.Combine("demo.c");
        await File.WriteAllTextAsync(source, "#include <stdio.h>\n#include <cuda_runtime_api.h>\nint main(void){int v=0;cudaRuntimeGetVersion(&v);printf(\"cudart %d\\n\",v);return 0;}\n");
        await ShellAsync("sh", "-c", $"gcc {source} $(pkg-config --cflags --libs cudart-13.1) -o {temp.Combine("demo")}");
        Assert.Equal("cudart 13010", (await ShellAsync(temp.Combine("demo"))).Stdout.Trim());
        Assert.Contains("release 13.1", (await ShellAsync("sh", "-c", "nvcc --version")).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Install_ProgramBuiltAgainstTheSdk_Runs()
    {
        await InstallAsync();
        var source = temp.Combine("demo.c");
        await File.WriteAllTextAsync(source, "#include <stdio.h>\n#include <cuda_runtime_api.h>\n#include <cudnn.h>\nint main(void){int v=0;cudaRuntimeGetVersion(&v);printf(\"cudart %d cudnn %zu\\n\",v,cudnnGetVersion());return 0;}\n");
        await ShellAsync("sh", "-c", $"gcc {source} $(pkg-config --cflags --libs cudart-13.1 cudnn) -o {temp.Combine("demo")}");
        var run = await ShellAsync(temp.Combine("demo"));
        Assert.Equal("cudart 13010 cudnn 91700", run.Stdout.Trim());
    }

    [Fact]
    public async Task Install_CMakeFindCudaToolkit_ConfiguresAndBuilds()
    {
        await InstallAsync();
        var project = temp.Combine("cmake");
        Directory.CreateDirectory(project);
        await File.WriteAllTextAsync(Path.Combine(project, "main.c"), "#include <stdio.h>\n#include <cuda_runtime_api.h>\nint main(void){int v=0;cudaRuntimeGetVersion(&v);printf(\"%d\\n\",v);return 0;}\n");
        await File.WriteAllTextAsync(Path.Combine(project, "CMakeLists.txt"), """
            cmake_minimum_required(VERSION 3.18)
            project(probe LANGUAGES C)
            find_package(CUDAToolkit REQUIRED)
            message(STATUS "nvsdk-probe version=${CUDAToolkit_VERSION} include=${CUDAToolkit_INCLUDE_DIRS} nvcc=${CUDAToolkit_NVCC_EXECUTABLE}")
            add_executable(probe main.c)
            target_link_libraries(probe CUDA::cudart)
            """);
        var build = temp.Combine("cmake-build");
        var configure = await ProcessRunner.RunAsync(ProcessRunner.Require("cmake", "cmake"), ["-S", project, "-B", build, $"-DCUDAToolkit_ROOT={Current}"]);
        Assert.True(configure.ExitCode == 0, configure.ToString());
        Assert.Contains("nvsdk-probe version=13.1.80", configure.Stdout, StringComparison.Ordinal);
        Assert.Contains($"include={Current}/include", configure.Stdout, StringComparison.Ordinal);
        var compile = await ProcessRunner.RunAsync("cmake", ["--build", build]);
        Assert.True(compile.ExitCode == 0, compile.ToString());
        var run = await ProcessRunner.RunAsync(Path.Combine(build, "probe"), []);
        Assert.Equal("13010", run.Stdout.Trim());
    }

    [Fact]
    public async Task Install_Modulefile_LoadsWithLmod()
    {
        await InstallAsync();
        var script = $"source /usr/share/lmod/lmod/init/bash && module use {Current}/share/modulefiles/lua && module load nvidia-sdk/13.1.1 && echo \"home=$CUDA_HOME\" && command -v nvcc";
        var result = await ProcessRunner.RunAsync("/bin/bash", ["-c", script]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"home={Path.Combine(Root, "generations", "sdk-1")}", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("/bin/nvcc", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Install_Repeated_IsANoOp()
    {
        var lockFile = await InstallAsync();
        var again = await Nvsdk.RunAsync("install", "--lock", lockFile, "--root", Root, "--allow-unpinned", "--json");
        Assert.True(again.ExitCode == 0, again.ToString());
        using var json = JsonDocument.Parse(again.Stdout);
        Assert.True(json.RootElement.GetProperty("noOp").GetBoolean());
        Assert.Equal(1, json.RootElement.GetProperty("generation").GetProperty("number").GetInt32());
    }

    [Fact]
    public async Task Install_Files_AreHardLinksIntoTheStore()
    {
        await InstallAsync();
        var stat = await ProcessRunner.RunAsync("stat", ["-L", "-c", "%h", Path.Combine(Current, "lib64", "libcudart.so.13.1.80")]);
        Assert.True(int.Parse(stat.Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture) >= 2, "expected a hard link shared with the store");
    }

    [Fact]
    public async Task Env_Json_PointsAtTheCurrentLink()
    {
        await InstallAsync();
        var env = await Nvsdk.RunAsync("env", "--root", Root, "--json");
        Assert.True(env.ExitCode == 0, env.ToString());
        using var json = JsonDocument.Parse(env.Stdout);
        Assert.Equal(Current, json.RootElement.GetProperty("set").GetProperty("CUDA_HOME").GetString());
        Assert.StartsWith($"{Current}/bin:", json.RootElement.GetProperty("resulting").GetProperty("PATH").GetString(), StringComparison.Ordinal);
        var shell = await Nvsdk.RunAsync("env", "--root", Root);
        Assert.Contains($"export CUDA_PATH='{Current}'", shell.Stdout, StringComparison.Ordinal);
    }

    /// <summary>The recorded H100 as the host: CUDAARCHS and TORCH_CUDA_ARCH_LIST for its sm_90; CI's own host (no GPU) exports none.</summary>
    [Fact]
    public async Task Env_Json_OnTheH100Recording_CarriesCudaArchs90()
    {
        await InstallAsync();
        var recorded = Path.Combine(RepoPaths.Root, "tests", "fixtures", "snapshots", "h100-driver580.json");
        var env = await Nvsdk.RunAsync("env", "--root", Root, "--json", "--from-snapshot", recorded);
        Assert.True(env.ExitCode == 0, env.ToString());
        using var json = JsonDocument.Parse(env.Stdout);
        Assert.Equal("90", json.RootElement.GetProperty("set").GetProperty("CUDAARCHS").GetString());
        Assert.Equal("9.0", json.RootElement.GetProperty("set").GetProperty("TORCH_CUDA_ARCH_LIST").GetString());
        var buildHost = temp.Combine("build-host");
        Directory.CreateDirectory(Path.Combine(buildHost, "etc", "nvsdk"));
        await File.WriteAllTextAsync(Path.Combine(buildHost, "etc", "nvsdk", "host.toml"), "[gpu]\narchitectures = [\"80\", \"90\"]\n");
        var configured = await Nvsdk.RunAsync("env", "--root", Root, "--host-root", buildHost);
        Assert.True(configured.ExitCode == 0, configured.ToString());
        if (!File.Exists("/dev/nvidiactl"))
        {
            Assert.Contains("export CUDAARCHS='80;90'", configured.Stdout, StringComparison.Ordinal);
            var none = await Nvsdk.RunAsync("env", "--root", Root, "--host-root", temp.Combine("empty-host"));
            Assert.DoesNotContain("CUDAARCHS", none.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Env_NothingInstalled_SaysToInstall()
    {
        var env = await Nvsdk.RunAsync("env", "--root", Root);
        Assert.Equal(2, env.ExitCode);
        Assert.Contains("nvsdk install", env.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generations_SwitchRollbackAndGc_KeepWhatIsReferenced()
    {
        var lockFile = await InstallAsync(["cudnn", .. CudaToolkit]);
        await InstallAsync();
        var list = await Nvsdk.RunAsync("generations", "list", "--root", Root, "--json");
        using (var json = JsonDocument.Parse(list.Stdout))
        {
            var gens = json.RootElement.GetProperty("generations").EnumerateArray().ToList();
            Assert.Equal([1, 2], gens.Select(g => g.GetProperty("number").GetInt32()));
            Assert.True(gens[1].GetProperty("current").GetBoolean());
        }

        Assert.Equal(0, (await Nvsdk.RunAsync("generations", "rollback", "--root", Root)).ExitCode);
        Assert.Equal("sdk-1", new FileInfo(Current).LinkTarget);
        Assert.False(File.Exists(Path.Combine(Current, "include", "nccl.h")));
        Assert.Equal(0, (await Nvsdk.RunAsync("generations", "switch", "2", "--root", Root)).ExitCode);
        Assert.Equal("sdk-2", new FileInfo(Current).LinkTarget);
        Assert.Equal(2, (await Nvsdk.RunAsync("generations", "switch", "7", "--root", Root)).ExitCode);

        var gc = await Nvsdk.RunAsync("store", "gc", "--root", Root, "--json");
        Assert.True(gc.ExitCode == 0, gc.ToString());
        using (var json = JsonDocument.Parse(gc.Stdout))
        {
            // Downloads go; the unpacked trees both generations link into stay.
            var removed = json.RootElement.GetProperty("removed").EnumerateArray().Select(e => e.GetString()!).ToList();
            Assert.NotEmpty(removed);
            Assert.All(removed, name => Assert.Matches(@"\.(xz|gz|whl|run)$", name));
        }

        var verify = await Nvsdk.RunAsync("store", "verify", "--root", Root);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        await ShellAsync("pkg-config", "--exists", "cudart-13.1");
        var again = await Nvsdk.RunAsync("install", "--lock", lockFile, "--root", Root, "--allow-unpinned", "--json");
        using var noop = JsonDocument.Parse(again.Stdout);
        Assert.True(noop.RootElement.GetProperty("noOp").GetBoolean());
    }

    [Fact]
    public async Task Install_KilledMidway_PreviousGenerationStaysCurrentAndWorking()
    {
        await InstallAsync(CudaToolkit);
        var slowLock = fixtures.WriteLock(temp.Combine("slow.lock.json"), "missing", "slow");
        var random = new Random(7);
        var killed = 0;
        for (var round = 0; round < 6; round++)
        {
            using var process = Nvsdk.Start("install", "--lock", slowLock, "--root", Root, "--allow-unpinned");
            await Task.Delay(random.Next(100, 1500));
            if (!process.HasExited)
            {
                process.Kill();
                killed++;
            }

            await process.WaitForExitAsync();
            if (process.ExitCode == 0)
            {
                break; // it finished before the kill: the rest of the test still holds
            }

            Assert.Equal("sdk-1", new FileInfo(Current).LinkTarget);
            await ShellAsync("pkg-config", "--exists", "cudart-13.1");
            var verify = await Nvsdk.RunAsync("store", "verify", "--root", Root);
            Assert.True(verify.ExitCode == 0, $"round {round}: {verify}");
        }

        Assert.True(killed > 0, "no install was killed mid-way");
        var final = await Nvsdk.RunAsync("install", "--lock", slowLock, "--root", Root, "--allow-unpinned");
        Assert.True(final.ExitCode == 0, final.ToString());
        Assert.Equal("sdk-2", new FileInfo(Current).LinkTarget);
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(Root, "generations"), ".sdk-*"));
    }

    [Fact]
    public async Task Install_TwoComponentsShipTheSamePathDifferently_FailsNamingBothAndKeepsCurrent()
    {
        await InstallAsync(CudaToolkit);
        var dir = temp.Combine("conflict");
        Directory.CreateDirectory(dir);
        var a = FixtureArchives.TarGz(dir, "alpha", "1.0", null, "alpha-1.0.tar.gz", "alpha-1.0", [FixtureEntry.Text("include/common.h", "#define FROM_ALPHA 1\n")]);
        var b = FixtureArchives.TarGz(dir, "beta", "1.0", null, "beta-1.0.tar.gz", "beta-1.0", [FixtureEntry.Text("include/common.h", "#define FROM_BETA 1\n")]);
        var lockFile = FixtureLock.Write(temp.Combine("conflict.lock.json"), [a, b], f => [(new Uri(f.Path).AbsoluteUri, "upstream")]);
        var install = await Nvsdk.RunAsync("install", "--lock", lockFile, "--root", Root);
        Assert.Equal(2, install.ExitCode);
        Assert.Contains("include/common.h", install.Stderr, StringComparison.Ordinal);
        Assert.Contains("alpha", install.Stderr, StringComparison.Ordinal);
        Assert.Contains("beta", install.Stderr, StringComparison.Ordinal);
        Assert.Equal("sdk-1", new FileInfo(Current).LinkTarget);
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(Root, "generations"), ".sdk-*"));
    }

    [Fact]
    public async Task Install_TwoAtOnce_OneGenerationAndTheOtherIsANoOp()
    {
        var lockFile = fixtures.WriteLock(temp.Combine("lock.json"), "slow", "upstream");
        string[] args = ["install", "--lock", lockFile, "--root", Root, "--allow-unpinned", "--json"];
        var runs = await Task.WhenAll(Nvsdk.RunAsync(args), Nvsdk.RunAsync(args));
        Assert.All(runs, r => Assert.True(r.ExitCode == 0, r.ToString()));
        var noOps = runs.Select(r => System.Text.Json.JsonDocument.Parse(r.Stdout).RootElement.GetProperty("noOp").GetBoolean()).ToList();
        Assert.Equal(1, noOps.Count(n => n)); // the second noticed, under the lock, that the first made it
        Assert.Single(Directory.EnumerateDirectories(Path.Combine(Root, "generations"), "sdk-*"));
    }

    [Fact]
    public async Task Install_Repair_RefetchesOnlyTheDamagedEntryAndBuildsAFreshGeneration()
    {
        var lockFile = await InstallAsync();
        var header = Directory.EnumerateFiles(Path.Combine(Root, "store"), "cudnn.h", SearchOption.AllDirectories).First();
        var good = await File.ReadAllBytesAsync(header);
        File.SetUnixFileMode(header, File.GetUnixFileMode(header) | UnixFileMode.UserWrite);
        await File.AppendAllTextAsync(header, "/* damaged */\n"); // the generation's hard link shares these bytes

        var verify = await Nvsdk.RunAsync("store", "verify", "--root", Root);
        Assert.Equal(1, verify.ExitCode);
        Assert.Contains("install --repair", verify.Stdout, StringComparison.Ordinal);

        var repair = await Nvsdk.RunAsync("install", "--lock", lockFile, "--root", Root, "--allow-unpinned", "--repair", "--json");
        Assert.True(repair.ExitCode == 0, repair.ToString());
        using var json = System.Text.Json.JsonDocument.Parse(repair.Stdout);
        var repaired = Assert.Single(json.RootElement.GetProperty("repaired").EnumerateArray());
        Assert.Contains("cudnn", repaired.GetProperty("name").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, json.RootElement.GetProperty("downloaded").GetInt32()); // the archive was intact: only the tree was rebuilt
        Assert.Equal("sdk-2", new FileInfo(Current).LinkTarget);
        Assert.Equal(good, await File.ReadAllBytesAsync(Path.Combine(Current, "include", "cudnn.h")));

        // The store's entries are whole again; the old generation sdk-1 still shares the damaged bytes (its files are
        // hard links to them), and verify says so by name rather than calling the store healthy.
        var after = await Nvsdk.RunAsync("store", "verify", "--root", Root);
        var said = after.Stdout + after.Stderr;
        Assert.Contains("sdk-1", said, StringComparison.Ordinal);
        Assert.DoesNotContain("sdk-2", said, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shell_CommandNotFound_ExitsLikeAShell()
    {
        await InstallAsync(CudaToolkit);
        var result = await Nvsdk.RunAsync("shell", "--root", Root, "--", "nvsdk-no-such-command");
        Assert.True(result.ExitCode == 127, result.ToString());
        Assert.Contains("nvsdk-no-such-command: command not found", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoreGc_DryRun_ListsTheDebrisGcThenRemoves()
    {
        await InstallAsync(CudaToolkit);
        Directory.CreateDirectory(Path.Combine(Root, "store", ".tmp", "leftover.123.abc"));
        await File.WriteAllTextAsync(Path.Combine(Root, "downloads", "leftover.part"), "half");
        UnprivilegedLane.Own(Path.Combine(Root, "store", ".tmp", "leftover.123.abc")); // debris of the store's own user
        static IEnumerable<string?> Debris(ProcessResult r) =>
            System.Text.Json.JsonDocument.Parse(r.Stdout).RootElement.GetProperty("debris").EnumerateArray().Select(d => d.GetString()).Order(StringComparer.Ordinal).ToList();

        var dry = await Nvsdk.RunAsync("store", "gc", "-n", "--root", Root, "--json");
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Equal(["downloads/leftover.part", "store/.tmp/leftover.123.abc"], Debris(dry));
        Assert.True(File.Exists(Path.Combine(Root, "downloads", "leftover.part")), "a dry run removes nothing");

        var real = await Nvsdk.RunAsync("store", "gc", "--root", Root, "--json");
        Assert.Equal(Debris(dry), Debris(real));
    }
}
