using Nvsdk.Testing;

namespace Nvsdk.Cli.Tests;

/// <summary>
/// The CDI spec read by its real consumer: Podman (with runc) runs a container with `--device nvidia.com/gpu=all`
/// from the spec `nvsdk host cdi-spec` generates for a fake H100 root whose libraries are real ELF files and whose
/// device nodes are character devices (1:3, like /dev/null). nvsdk itself is the spec's hook program.
/// </summary>
public sealed class PodmanCdiTests : IDisposable
{
    private const string Image = "localhost/nvsdk-cdi-busybox:test";
    private const string LibDir = "/usr/local/nvidia/lib64";

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

        string[] store = ["--root", temp.Combine("storage"), "--runroot", temp.Combine("run"), "--storage-driver", "vfs"];
        var import = await ProcessRunner.RunAsync(podman, [.. store, "import", await RootfsTarAsync(), Image]);
        Assert.True(import.ExitCode == 0, import.ToString());

        // runc, not crun (crun fails on these machines' cgroups); the default nofile limit is above what they allow.
        var run = await ProcessRunner.RunAsync(
            podman,
            [.. store, "run", "--rm", "--runtime", "runc", "--network", "none", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024",
                "--device", "nvidia.com/gpu=all", Image,
                "/bin/sh", "-c", $"ls {LibDir}; ldconfig -p; readlink {LibDir}/libcuda.so; ls -l /dev/nvidia0 /dev/nvidiactl"],
            timeout: TimeSpan.FromMinutes(2));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("libnvidia-ml.so.580.159.04", run.Stdout, StringComparison.Ordinal);
        Assert.Contains($"libcuda.so.1 (libc6,x86-64) => {LibDir}/libcuda.so.1", run.Stdout, StringComparison.Ordinal);
        Assert.Contains($"libnvidia-ml.so.1 (libc6,x86-64) => {LibDir}/libnvidia-ml.so.1", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("libcuda.so.1\n", run.Stdout, StringComparison.Ordinal); // libcuda.so -> libcuda.so.1 (create-symlinks)
        Assert.Contains("/dev/nvidia0", run.Stdout, StringComparison.Ordinal);
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

    /// <summary>A tiny root file system: busybox-static (sh, ls, readlink) and the host's static ldconfig.</summary>
    private async Task<string> RootfsTarAsync()
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
        var tar = temp.Combine("rootfs.tar");
        var result = await ProcessRunner.RunAsync("tar", ["-C", rootfs, "-cf", tar, "."]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return tar;
    }
}
