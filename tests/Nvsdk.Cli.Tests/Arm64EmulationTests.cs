using System.Text.Json.Nodes;
using Nvsdk.Core.Primitives;
using Nvsdk.Testing;

namespace Nvsdk.Cli.Tests;

/// <summary>
/// The linux-arm64 binary (NVSDK_BIN_ARM64, cross-built by scripts/build.sh linux-arm64) run for real under
/// qemu-user with Debian's arm64 libraries (`qemu-aarch64-static -L /`): it checks the lock, installs the
/// aarch64 SDK from file:// fixtures whose libraries are real aarch64 ELF, verifies the store, runs doctor
/// without a GPU and plans a fake host; then a C program built with aarch64-linux-gnu-gcc against the installed
/// generation runs under qemu and prints what the SDK's libraries answer.
/// </summary>
public sealed class Arm64EmulationTests : IDisposable
{
    private readonly TempDir temp = new("nvsdk-arm64-");

    public void Dispose() => temp.Dispose();

    private string Root => temp.Combine("root");

    private static async Task<ProcessResult> EmulateAsync(string qemu, string program, string[] args, Dictionary<string, string?>? environment = null)
    {
        var result = await ProcessRunner.RunAsync(qemu, ["-L", "/", program, .. args], environment: environment, timeout: TimeSpan.FromMinutes(5));
        return result;
    }

    [SkippableFact]
    public async Task Arm64Binary_UnderQemu_InstallsTheAarch64SdkThatAProgramLinksAndRuns()
    {
        var binary = Packages.Binary("NVSDK_BIN_ARM64");
        var qemu = Packages.Tool("qemu-aarch64-static", "qemu-user-static");
        var cc = Packages.Tool("aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu");
        Skip.If(binary is null || qemu is null || cc is null, "the arm64 binary, qemu-user-static and gcc-aarch64-linux-gnu are needed");
        Task<ProcessResult> Nvsdk(params string[] args) => EmulateAsync(qemu!, binary!, args, new() { ["NVSDK_ROOT"] = null, ["NVSDK_LOCK"] = null, ["TERM"] = "dumb", ["NVSDK_ACCEPT_LICENSES"] = "1" });

        var machine = await Packages.RunOkAsync("readelf", "-h", binary!);
        Assert.Contains("AArch64", machine.Stdout, StringComparison.Ordinal);

        var version = await Nvsdk("--version");
        Assert.True(version.ExitCode == 0, version.ToString());
        Assert.StartsWith(Packages.Version, version.Stdout, StringComparison.Ordinal);

        var check = await Nvsdk("check", "--all-systems", "--lock", Path.Combine(RepoPaths.Root, "nvsdk.lock.json"));
        Assert.True(check.ExitCode == 0, check.ToString());

        // The fixture mirror for both systems; its aarch64 libraries are real aarch64 ELF from the cross gcc.
        var artifacts = await FixtureArchives.BuildAsync(temp.Combine("mirror"), payloadBytes: 16 * 1024);
        var lockFile = FixtureLock.Write(temp.Combine("mirror", "fixture.lock.json"), artifacts, a => [(new Uri(a.Path).AbsoluteUri, "upstream")]);
        var install = await Nvsdk("install", "--lock", lockFile, "--root", Root, "--allow-unpinned");
        Assert.True(install.ExitCode == 0, install.ToString());
        var current = Path.Combine(Root, "generations", "current");
        var record = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(current, "version.json")))!;
        Assert.Equal(SystemId.Aarch64Linux.ToString(), (string?)record["system"]);
        var cudart = await Packages.RunOkAsync("readelf", "-h", Path.Combine(current, "lib64", "libcudart.so.13"));
        Assert.Contains("AArch64", cudart.Stdout, StringComparison.Ordinal);

        var verify = await Nvsdk("store", "verify", "--root", Root);
        Assert.True(verify.ExitCode == 0, verify.ToString());

        // doctor on a machine without a GPU: a verdict (not a crash) and every check in the JSON.
        var doctor = await Nvsdk("doctor", "--root", Root, "--json");
        Assert.True(doctor.ExitCode is 0 or 1 or 2, doctor.ToString());
        var findings = JsonNode.Parse(doctor.Stdout)!;
        Assert.Equal("broken", (string?)findings["verdict"], ignoreCase: true);
        Assert.NotEmpty(findings["findings"]!.AsArray());

        var host = FakeHostRoot.BuildH100(temp.Combine("host"));
        Directory.CreateDirectory(Path.Combine(host, "etc", "nvsdk"));
        File.Copy(Path.Combine(RepoPaths.Root, "examples", "server.toml"), Path.Combine(host, "etc", "nvsdk", "host.toml"));
        var plan = await Nvsdk("host", "plan", "--root", host);
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Contains("nvidia-persistenced", plan.Stdout, StringComparison.Ordinal);

        // The aarch64 SDK end to end: pkg-config resolves inside the generation, the cross gcc links, qemu runs it.
        var pkgConfig = new Dictionary<string, string?> { ["PKG_CONFIG_PATH"] = Path.Combine(current, "lib64", "pkgconfig"), ["PKG_CONFIG_LIBDIR"] = string.Empty };
        var flags = await ProcessRunner.RunAsync(ProcessRunner.Require("pkg-config", "pkgconf"), ["--cflags", "--libs", "cudart-13.1", "cudnn", "nccl"], environment: pkgConfig);
        Assert.True(flags.ExitCode == 0, flags.ToString());
        var hello = temp.Combine("hello");
        var compile = await ProcessRunner.RunAsync(cc!, [Path.Combine(RepoPaths.Root, "scripts", "lib", "hello-sdk.c"), .. flags.Stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), "-o", hello]);
        Assert.True(compile.ExitCode == 0, compile.ToString());
        var run = await EmulateAsync(qemu!, hello, [], new() { ["LD_LIBRARY_PATH"] = Path.Combine(current, "lib64") });
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("linked against the nvsdk SDK: CUDA runtime 13.1, cuDNN 91700, NCCL 22809", run.Stdout.Trim());
    }

    [SkippableFact]
    public async Task Arm64Packages_AreLabelledArm64AndAarch64_AndCarryTheArm64Binary()
    {
        var binary = Packages.Binary("NVSDK_BIN_ARM64");
        Skip.If(binary is null || Packages.Tool("qemu-aarch64-static", "qemu-user-static") is null || Packages.Tool("rpmbuild", "rpm") is null, "the arm64 binary, qemu and rpmbuild are needed");
        await Packages.PackAsync("arm64", binary!, temp.Path);
        var deb = Path.Combine(temp.Path, $"nvsdk_{Packages.Version}_arm64.deb");
        Assert.Equal("arm64", (await Packages.RunOkAsync("dpkg-deb", "--field", deb, "Architecture")).Stdout.Trim());
        var rpm = Path.Combine(temp.Path, $"nvsdk-{Packages.Version}-1.aarch64.rpm");
        Assert.Equal("aarch64", (await Packages.RunOkAsync("rpm", "-qp", "--qf", "%{ARCH}", rpm)).Stdout.Trim());
        await Packages.RunOkAsync("dpkg-deb", "-x", deb, temp.Combine("unpacked"));
        Assert.Contains("AArch64", (await Packages.RunOkAsync("readelf", "-h", temp.Combine("unpacked", "usr", "bin", "nvsdk"))).Stdout, StringComparison.Ordinal);
        // The completions inside came from running the arm64 binary itself (under qemu).
        Assert.Contains("complete -F _nvsdk nvsdk", await File.ReadAllTextAsync(temp.Combine("unpacked", "usr", "share", "bash-completion", "completions", "nvsdk")), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(temp.Path, $"nvsdk-{Packages.Version}-linux-arm64.tar.gz")));
    }
}
