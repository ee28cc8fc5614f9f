using Nvsdk.Testing;
using Xunit.Abstractions;

namespace Nvsdk.Cli.Tests;

/// <summary>
/// The CDI spec read by its real consumer: Podman (with runc) runs a container with `--device nvidia.com/gpu=all`
/// from the spec `nvsdk host cdi-spec` generates for a fake H100 root whose libraries are real ELF files and whose
/// device nodes are character devices (1:3, like /dev/null). nvsdk itself is the spec's hook program.
/// </summary>
public sealed class PodmanCdiTests(ITestOutputHelper output) : IDisposable
{
    private const string Image = "localhost/nvsdk-cdi-busybox:test";
    private const string LibDir = "/usr/local/nvidia/lib64";
    private const string VulkanIcd = "/etc/vulkan/icd.d/nvidia_icd.json";

    private readonly TempDir temp = new();
    private readonly string specFile = $"/var/run/cdi/nvsdk-test-{Guid.NewGuid():N}.yaml";

    public void Dispose()
    {
        File.Delete(specFile);
        temp.Dispose();
    }

    [Fact]
    public async Task PodmanRun_GpuAllFromOurSpec_LibrariesMountedAndInTheLinkerCache()
    {
        var podman = ProcessRunner.Require("podman", "podman");
        ProcessRunner.Require("runc", "runc");
        var root = await FakeRootAsync();
        var hook = HookProgram();

        var spec = await Nvsdk.RunAsync("host", "cdi-spec", "--root", root, "--host-paths-under-root", "--hook", hook, "--output", temp.Combine("spec.yaml"));
        Assert.True(spec.ExitCode == 0, spec.ToString());
        Assert.Contains("cdiVersion: \"0.5.0\"", await File.ReadAllTextAsync(temp.Combine("spec.yaml")), StringComparison.Ordinal);
        Directory.CreateDirectory("/var/run/cdi");
        var others = Directory.EnumerateFiles("/var/run/cdi", "*").Concat(Directory.Exists("/etc/cdi") ? Directory.EnumerateFiles("/etc/cdi") : []);
        Assert.DoesNotContain(others, f => File.ReadAllText(f).Contains("kind: nvidia.com/gpu", StringComparison.Ordinal)); // it would conflict
        File.Copy(temp.Combine("spec.yaml"), specFile);

        var run = await PodmanRunAsync(podman, await RootfsTarAsync(), []);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("libnvidia-ml.so.580.159.04", run.Stdout, StringComparison.Ordinal);
        Assert.Contains($"libcuda.so.1 (libc6,x86-64) => {LibDir}/libcuda.so.1", run.Stdout, StringComparison.Ordinal);
        Assert.Contains($"libnvidia-ml.so.1 (libc6,x86-64) => {LibDir}/libnvidia-ml.so.1", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("libcuda.so.1\n", run.Stdout, StringComparison.Ordinal); // libcuda.so -> libcuda.so.1 (create-symlinks)
        Assert.Contains("/dev/nvidia0", run.Stdout, StringComparison.Ordinal);
    }

    /// <summary>
    /// The DaemonSet's case against Podman: a fake H100 with no hook program, where nvidia-ctk left a spec of the same
    /// kind in /var/run/cdi (Podman refuses both: checked first), and an image shipping CUDA forward-compat libraries
    /// newer than the host driver. After `host apply --root` the other spec is moved aside and the nvsdk apply
    /// installed runs the hooks: the container starts, the compat libcuda is first in its linker cache. Rollback puts
    /// the other spec back byte for byte and removes the installed hook. Podman reads /var/run/cdi, which the test
    /// replaces in a mount namespace of its own with the root's folder (plus our spec, its paths under the root).
    /// </summary>
    [Fact]
    public async Task PodmanRun_AfterApply_ConflictingSpecMovedAsideAndTheInstalledHookRuns()
    {
        var podman = ProcessRunner.Require("podman", "podman");
        ProcessRunner.Require("runc", "runc");
        var unshare = ProcessRunner.Require("unshare", "util-linux");
        var binary = Environment.GetEnvironmentVariable("NVSDK_BIN") is { Length: > 0 } bin ? Path.GetFullPath(bin) : null;
        var root = await FakeRootAsync();
        Directory.CreateDirectory(Path.Combine(root, "etc", "nvsdk"));
        File.Copy(Path.Combine(RepoPaths.Root, "examples", "server.toml"), Path.Combine(root, "etc", "nvsdk", "host.toml"));
        if (binary is not null)
        {
            File.Delete(Path.Combine(root, "usr", "local", "bin", "nvsdk")); // the host has no nvsdk: apply installs itself
        }

        var other = Path.Combine(root, "var", "run", "cdi", "nvidia.yaml");
        const string OtherSpec = "cdiVersion: 0.5.0\nkind: nvidia.com/gpu\ndevices:\n- name: all\n  containerEdits:\n    env:\n    - NVIDIA_CTK=1\n";
        Directory.CreateDirectory(Path.GetDirectoryName(other)!);
        await File.WriteAllTextAsync(other, OtherSpec);
        var image = await RootfsTarAsync(compatLibcuda: "libcuda.so.999.1.1");
        var icdFile = Path.Combine(root, "usr", "local", "nvidia", "share", "vulkan", "icd.d", "nvidia_icd.json");
        await File.WriteAllTextAsync(icdFile, "{ \"file_format_version\": \"1.0.1\", \"ICD\": { \"library_path\": \"libGLX_nvidia.so.0\", \"api_version\": \"1.4.312\" } }\n");

        async Task<ProcessResult> RunWithTheRootsSpecsAsync(string hook)
        {
            var specs = temp.Combine($"cdi-{Guid.NewGuid():N}");
            Directory.CreateDirectory(specs);
            foreach (var file in Directory.EnumerateFiles(Path.GetDirectoryName(other)!))
            {
                File.Copy(file, Path.Combine(specs, Path.GetFileName(file)));
            }

            var spec = await Nvsdk.RunAsync("host", "cdi-spec", "--root", root, "--host-paths-under-root", "--graphics", "--hook", hook, "--output", Path.Combine(specs, "nvsdk.yaml"));
            Assert.True(spec.ExitCode == 0, spec.ToString());
            return await PodmanRunAsync(unshare, image, ["-m", "sh", "-c", "mount --make-rprivate / && mount --bind \"$0\" /var/run/cdi && exec \"$@\"", specs, podman]);
        }

        var refused = await RunWithTheRootsSpecsAsync(HookProgram());
        // Podman 4.3 drops both specs of the conflict and says only that the device is unresolvable.
        Assert.True(refused.ExitCode != 0 && refused.Stderr.Contains("unresolvable CDI devices nvidia.com/gpu=all", StringComparison.Ordinal), refused.ToString());

        var apply = await Nvsdk.RunAsync("host", "apply", "--root", root);
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.False(File.Exists(other));
        var installed = Path.Combine(root, "usr", "local", "libexec", "nvsdk", "nvsdk-cdi-hook");
        if (binary is not null)
        {
            Assert.Equal(await File.ReadAllBytesAsync(binary), await File.ReadAllBytesAsync(installed));
            Assert.Equal((UnixFileMode)Convert.ToInt32("755", 8), File.GetUnixFileMode(installed));
            Assert.Contains("path: /usr/local/libexec/nvsdk/nvsdk-cdi-hook\n", await File.ReadAllTextAsync(Path.Combine(root, "etc", "cdi", "nvidia.yaml")), StringComparison.Ordinal);
        }

        var run = await RunWithTheRootsSpecsAsync(binary is null ? HookProgram() : installed);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"libcuda.so.1 (libc6,x86-64) => {LibDir}/libcuda.so.1", run.Stdout, StringComparison.Ordinal);
        var cache = run.Stdout.Split('\n').Where(l => l.Contains("libcuda.so.1 ", StringComparison.Ordinal)).ToList();
        Assert.True(cache.Count == 2 && cache[0].EndsWith("=> /usr/local/cuda/compat/libcuda.so.1", StringComparison.Ordinal), run.Stdout); // compat first
        Assert.Contains(await File.ReadAllTextAsync(icdFile), run.Stdout, StringComparison.Ordinal); // graphics: the Vulkan ICD where the loader looks

        var rollback = await Nvsdk.RunAsync("host", "rollback", "--root", root);
        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        Assert.Equal(OtherSpec, await File.ReadAllTextAsync(other));
        Assert.False(File.Exists(installed));
    }

    /// <summary>
    /// `podman run --device nvidia.com/gpu=all` (through <paramref name="wrapper"/> and its args when given) of the
    /// rootfs tar, listing the driver folder, the linker cache, the libcuda.so link and the device nodes.
    /// </summary>
    private async Task<ProcessResult> PodmanRunAsync(string wrapper, string rootfsTar, string[] wrapperArgs)
    {
        var podman = wrapperArgs.Length == 0 ? wrapper : wrapperArgs[^1];
        string[] store = ["--root", temp.Combine("storage"), "--runroot", temp.Combine("run"), "--storage-driver", "vfs"];
        if (!File.Exists(temp.Combine("imported")))
        {
            var import = await ProcessRunner.RunAsync(podman, [.. store, "import", rootfsTar, Image]);
            Assert.True(import.ExitCode == 0, import.ToString());
            File.WriteAllText(temp.Combine("imported"), string.Empty);
        }

        // runc, not crun (crun fails on these machines' cgroups); the default nofile limit is above what they allow.
        string[] args =
            [.. wrapperArgs, .. store, "run", "--rm", "--runtime", "runc", "--network", "none", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024",
                "--device", "nvidia.com/gpu=all", Image,
                "/bin/sh", "-c", $"ls {LibDir}; ldconfig -p; readlink {LibDir}/libcuda.so; cat {VulkanIcd}; ls -l /dev/nvidia0 /dev/nvidiactl"];
        var run = await ProcessRunner.RunAsync(wrapper, args, timeout: TimeSpan.FromMinutes(2));
        output.WriteLine($"$ {wrapper} {string.Join(' ', args)}\n{run}"); // the run as a reader would repeat it
        return run;
    }

    /// <summary>The fake H100 with real ELF libraries (their soname: name.so.1) and character devices for its nodes.</summary>
    private async Task<string> FakeRootAsync()
    {
        var root = FakeHostRoot.BuildH100(temp.Combine("host"));
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, LibDir.TrimStart('/')), "*.so.580.159.04"))
        {
            if (new FileInfo(file).LinkTarget is null)
            {
                var name = Path.GetFileName(file);
                var soname = name[..name.IndexOf(".so", StringComparison.Ordinal)] + ".so.1";
                await File.WriteAllBytesAsync(file, await ElfLibrary.BuildAsync(Core.Primitives.SystemId.X86_64Linux, soname, "int nvsdk_fake_driver(void) { return 580; }\n"));
            }
        }

        foreach (var node in Directory.EnumerateFiles(Path.Combine(root, "dev"), "nvidia*", SearchOption.AllDirectories))
        {
            File.Delete(node);
            var mknod = await ProcessRunner.RunAsync("mknod", [node, "c", "1", "3"]);
            Assert.True(mknod.ExitCode == 0, mknod.ToString());
        }

        return root;
    }

    /// <summary>The hook program: the nvsdk binary, or a one-line wrapper running the build's nvsdk.dll under dotnet.</summary>
    private string HookProgram()
    {
        if (Environment.GetEnvironmentVariable("NVSDK_BIN") is { Length: > 0 } bin)
        {
            return Path.GetFullPath(bin);
        }

        var wrapper = temp.Combine("bin", "nvsdk");
        Directory.CreateDirectory(Path.GetDirectoryName(wrapper)!);
        File.WriteAllText(wrapper, $"#!/bin/sh\nexec {ProcessRunner.Which("dotnet")} {Path.Combine(AppContext.BaseDirectory, "nvsdk.dll")} \"$@\"\n");
        File.SetUnixFileMode(wrapper, (UnixFileMode)Convert.ToInt32("755", 8));
        return wrapper;
    }

    /// <summary>
    /// A tiny root file system: busybox-static (sh, ls, readlink) and the host's static ldconfig; with
    /// <paramref name="compatLibcuda"/>, a CUDA forward-compat libcuda (soname libcuda.so.1) as CUDA images ship it.
    /// </summary>
    private async Task<string> RootfsTarAsync(string? compatLibcuda = null)
    {
        var busybox = new[] { "/bin/busybox", "/usr/bin/busybox" }.FirstOrDefault(File.Exists) ?? ProcessRunner.Require("busybox", "busybox-static");
        var rootfs = temp.Combine("rootfs");
        foreach (var dir in new[] { "bin", "sbin", "etc", "tmp" })
        {
            Directory.CreateDirectory(Path.Combine(rootfs, dir));
        }

        File.Copy(busybox, Path.Combine(rootfs, "bin", "busybox"));
        foreach (var applet in new[] { "sh", "ls", "readlink", "cat" })
        {
            File.CreateSymbolicLink(Path.Combine(rootfs, "bin", applet), "busybox");
        }

        File.Copy(new[] { "/sbin/ldconfig", "/usr/sbin/ldconfig" }.First(File.Exists), Path.Combine(rootfs, "sbin", "ldconfig"));
        if (compatLibcuda is not null)
        {
            var compat = Path.Combine(rootfs, "usr", "local", "cuda", "compat");
            Directory.CreateDirectory(compat);
            await File.WriteAllBytesAsync(Path.Combine(compat, compatLibcuda), await ElfLibrary.BuildAsync(Core.Primitives.SystemId.X86_64Linux, "libcuda.so.1", "int nvsdk_fake_compat(void) { return 999; }\n"));
        }

        var tar = temp.Combine("rootfs.tar");
        var result = await ProcessRunner.RunAsync("tar", ["-C", rootfs, "-cf", tar, "."]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return tar;
    }
}
