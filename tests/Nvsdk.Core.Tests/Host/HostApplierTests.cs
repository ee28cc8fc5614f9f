using Nvsdk.Core.Errors;
using Nvsdk.Core.Host;
using Nvsdk.Core.Host.Cdi;
using Nvsdk.Core.Host.Config;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Host;

/// <summary>plan → apply → apply (no-op) → rollback on a fake root built from the real H100 capture.</summary>
public sealed class HostApplierTests : IDisposable
{
    private const string Sdk = "/var/lib/nvsdk/generations/current";
    private static readonly HostConfig Server = HostConfigParser.Parse("server.toml", File.ReadAllText(Path.Combine(RepoPaths.Root, "examples", "server.toml")));

    private readonly TempDir temp = new();
    private readonly HostRoot host;

    public HostApplierTests()
    {
        host = new HostRoot(FakeHostRoot.BuildH100(temp.Combine("root")));
        Directory.CreateDirectory(host.Resolve("/etc/docker"));
        File.WriteAllText(host.Resolve("/etc/docker/daemon.json"), "{\n    \"log-driver\": \"json-file\",\n    \"log-opts\": { \"max-size\": \"10m\" }\n}\n");
    }

    public void Dispose() => temp.Dispose();

    private Dictionary<string, string?> Snapshot(params string[] paths) => paths.ToDictionary(p => p, host.Read);

    private static readonly string[] Managed = ["/etc/cdi/nvidia.yaml", "/etc/docker/daemon.json", "/etc/profile.d/nvsdk.sh", "/etc/environment.d/60-nvsdk.conf", "/etc/systemd/system/nvidia-persistenced.service"];

    [Fact]
    public void Plan_ServerExample_WritesCdiDockerProfileAndUnit()
    {
        var plan = HostPlanner.Plan(Server, host, Sdk);
        var paths = plan.Changes.Select(c => c.Path).ToList();
        Assert.Contains("/etc/cdi/nvidia.yaml", paths);
        Assert.Contains("/etc/docker/daemon.json", paths);
        Assert.Contains("/etc/profile.d/nvsdk.sh", paths);
        Assert.Equal(ChangeKind.Modify, plan.Changes.Single(c => c.Path == "/etc/docker/daemon.json").Kind);
        Assert.Contains("+", plan.Changes.Single(c => c.Path == "/etc/docker/daemon.json").Diff, StringComparison.Ordinal);
        Assert.Contains(plan.Findings, f => f.Id == "host.driver"); // 580 loaded, branch 590 wanted
    }

    /// <summary>A build host (a test root: no GPU is read) with gpu.architectures: the profile files export them.</summary>
    [Fact]
    public void Plan_GpuArchitectures_ExportedByProfileAndEnvironmentD()
    {
        var config = HostConfigParser.Parse("host.toml", File.ReadAllText(Path.Combine(RepoPaths.Root, "examples", "server.toml")).Replace("# architectures = [\"90\"]", "architectures = [\"90\"]", StringComparison.Ordinal));
        var plan = HostPlanner.Plan(config, host, Sdk);
        Assert.Contains("CUDAARCHS='90'", plan.Changes.Single(c => c.Path == "/etc/profile.d/nvsdk.sh").After, StringComparison.Ordinal);
        Assert.Contains("TORCH_CUDA_ARCH_LIST=9.0", plan.Changes.Single(c => c.Path == "/etc/environment.d/60-nvsdk.conf").After, StringComparison.Ordinal);
        Assert.DoesNotContain("CUDAARCHS", HostPlanner.Plan(Server, host, Sdk).Changes.Single(c => c.Path == "/etc/profile.d/nvsdk.sh").After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_Twice_SecondChangesNothing()
    {
        var first = await HostApplier.ApplyAsync(Server, host, Sdk);
        Assert.False(first.NoOp);
        var times = Managed.Where(p => File.Exists(host.Resolve(p))).ToDictionary(p => p, p => File.GetLastWriteTimeUtc(host.Resolve(p)));
        var second = await HostApplier.ApplyAsync(Server, host, Sdk);
        Assert.True(second.NoOp);
        Assert.Equal(first.Generation, second.Generation);
        Assert.All(times, t => Assert.Equal(t.Value, File.GetLastWriteTimeUtc(host.Resolve(t.Key))));
    }

    [Fact]
    public async Task Apply_KeepsForeignDaemonJsonKeys()
    {
        await HostApplier.ApplyAsync(Server, host, Sdk);
        var daemon = host.Read("/etc/docker/daemon.json")!;
        Assert.Contains("\"log-driver\": \"json-file\"", daemon, StringComparison.Ordinal);
        Assert.Contains("\"max-size\": \"10m\"", daemon, StringComparison.Ordinal);
        Assert.Contains("\"cdi\": true", daemon, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rollback_AfterApply_RestoresEveryFileByteForByte()
    {
        var before = Snapshot(Managed);
        await HostApplier.ApplyAsync(Server, host, Sdk);
        Assert.NotEqual(before, Snapshot(Managed));
        var now = await HostApplier.RollbackAsync(host);
        Assert.Equal(0, now);
        Assert.Equal(before, Snapshot(Managed));
    }

    [Fact]
    public async Task Rollback_TwoGenerations_GoesBackOne()
    {
        await HostApplier.ApplyAsync(Server, host, Sdk);
        var afterFirst = Snapshot(Managed);
        var k8s = HostConfigParser.Parse("k8s.toml", File.ReadAllText(Path.Combine(RepoPaths.Root, "examples", "k8s-node.toml")));
        var second = await HostApplier.ApplyAsync(k8s, host, Sdk);
        Assert.Equal(2, second.Generation);
        Assert.Null(host.Read("/etc/profile.d/nvsdk.sh")); // systemPackages = false there
        Assert.Equal(1, await HostApplier.RollbackAsync(host));
        Assert.Equal(afterFirst, Snapshot(Managed));
    }

    [Fact]
    public async Task Status_HandEdit_IsDrift()
    {
        await HostApplier.ApplyAsync(Server, host, Sdk);
        Assert.Empty(HostApplier.Status(host));
        File.AppendAllText(host.Resolve("/etc/profile.d/nvsdk.sh"), "# my edit\n");
        var drift = Assert.Single(HostApplier.Status(host));
        Assert.Equal("/etc/profile.d/nvsdk.sh", drift.Path);
    }

    [Fact]
    public async Task Apply_InvalidDaemonJson_RefusedAndUntouched()
    {
        File.WriteAllText(host.Resolve("/etc/docker/daemon.json"), "{ \"a\": 1,\n  oops }\n");
        var before = Snapshot(Managed);
        var e = await Assert.ThrowsAsync<NvsdkException>(() => HostApplier.ApplyAsync(Server, host, Sdk));
        Assert.Contains("line 2", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(Managed));
    }

    [Fact]
    public async Task Apply_WritesTheVersionFile()
    {
        await HostApplier.ApplyAsync(Server, host, Sdk);
        var version = host.Read("/etc/nvidia-sdk-version")!;
        Assert.Contains("DRIVER_VERSION=\"580.159.04 (open module)\"", version, StringComparison.Ordinal);
        Assert.Contains("SDK_GENERATION=none", version, StringComparison.Ordinal);
        var sh = await ProcessRunner.RunAsync("/bin/sh", ["-c", $". {host.Resolve("/etc/nvidia-sdk-version")} && echo \"$DRIVER_VERSION\""]);
        Assert.Equal("580.159.04 (open module)", sh.Stdout.Trim());
    }

    [Fact]
    public async Task Apply_EnableFalse_ManagesNothing()
    {
        var result = await HostApplier.ApplyAsync(new HostConfig(), host, Sdk);
        Assert.True(result.NoOp);
        Assert.Null(host.Read("/etc/cdi/nvidia.yaml"));
    }

    [Theory]
    [InlineData("server.toml")]
    [InlineData("workstation.toml")]
    [InlineData("k8s-node.toml")]
    public void Plan_EveryExample_PlansOnTheFakeH100(string example)
    {
        var config = HostConfigParser.Load(Path.Combine(RepoPaths.Root, "examples", example));
        var plan = HostPlanner.Plan(config, host, Sdk);
        Assert.NotEmpty(plan.Changes);
    }

    [Fact]
    public async Task Rollback_DaemonJsonApplyLeftAsItWas_IsKeptExactly()
    {
        var full = host.Resolve("/etc/docker/daemon.json");
        var bytes = "\uFEFF{\n  \"features\": {\"cdi\": true},\n  \"data-root\": \"/srv/docker\"\n}\n"u8.ToArray();
        File.WriteAllBytes(full, bytes);
        File.SetUnixFileMode(full, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Nvsdk.Core.Platform.Posix.LChown(full, 1000, 1000);

        var applied = await HostApplier.ApplyAsync(Server, host, Sdk);
        Assert.DoesNotContain(applied.Plan.Changes, c => c.Path == "/etc/docker/daemon.json");
        await HostApplier.RollbackAsync(host);

        var entry = host.Inspect("/etc/docker/daemon.json");
        Assert.Equal(bytes, entry.Bytes);
        Assert.Equal(("600", 1000u, 1000u), (entry.Mode, entry.Uid, entry.Gid));
    }

    [Fact]
    public async Task Apply_ContainerDisabledLater_PutsTheUsersDaemonJsonBack()
    {
        var before = host.Read("/etc/docker/daemon.json");
        await HostApplier.ApplyAsync(Server, host, Sdk);
        var noContainers = HostConfigParser.Parse("x.toml", File.ReadAllText(Path.Combine(RepoPaths.Root, "examples", "server.toml")).Replace("[container]\nenable = true", "[container]\nenable = false", StringComparison.Ordinal));
        await HostApplier.ApplyAsync(noContainers, host, Sdk);
        Assert.Equal(before, host.Read("/etc/docker/daemon.json"));
    }

    [Fact]
    public async Task Apply_ReadOnlyEtc_FailsBeforeWritingAnything()
    {
        var etc = host.OnDisk("/etc");
        var mount = await ProcessRunner.RunAsync("mount", ["-t", "tmpfs", "-o", "ro", "tmpfs", etc]);
        Assert.True(mount.ExitCode == 0, $"mounting a read-only tmpfs (the test runs as root): {mount.Stderr}");
        try
        {
            var e = await Assert.ThrowsAsync<NvsdkException>(() => HostApplier.ApplyAsync(Server, host, Sdk));
            Assert.NotNull(e.Hint);
            Assert.Equal(0, new HostGenerations(host).Newest());
            Assert.Empty(Directory.EnumerateFileSystemEntries(etc));
        }
        finally
        {
            await ProcessRunner.RunAsync("umount", [etc]);
        }
    }

    [Fact]
    public async Task Apply_Persistenced_SystemctlSaysEnabled()
    {
        var systemctl = ProcessRunner.Require("systemctl", "systemd");
        await HostApplier.ApplyAsync(Server, host, Sdk);
        var wants = host.Inspect("/etc/systemd/system/multi-user.target.wants/nvidia-persistenced.service");
        Assert.Equal((HostEntryKind.Symlink, "/etc/systemd/system/nvidia-persistenced.service"), (wants.Kind, wants.LinkTarget));

        var enabled = await ProcessRunner.RunAsync(systemctl, [$"--root={host.Root}", "is-enabled", "nvidia-persistenced.service"]);
        Assert.True(enabled.Stdout.Trim() == "enabled", enabled.ToString());
        await HostApplier.RollbackAsync(host);
        var after = await ProcessRunner.RunAsync(systemctl, [$"--root={host.Root}", "is-enabled", "nvidia-persistenced.service"]);
        Assert.NotEqual("enabled", after.Stdout.Trim());
    }

    /// <summary>The applied root's persistenced unit as systemd reads it there (with the distribution's own units beside it).</summary>
    [Fact]
    public async Task Apply_Persistenced_SystemdAnalyzeVerifyOnTheRootIsClean()
    {
        var analyze = ProcessRunner.Require("systemd-analyze", "systemd");
        var units = new[] { "/usr/lib/systemd/system", "/lib/systemd/system" }.First(Directory.Exists);
        Directory.CreateDirectory(host.OnDisk("/usr/lib/systemd"));
        var copy = await ProcessRunner.RunAsync("cp", ["-a", units, host.OnDisk("/usr/lib/systemd/system")]);
        Assert.True(copy.ExitCode == 0, copy.ToString());
        File.SetUnixFileMode(host.Resolve("/usr/local/nvidia/bin/nvidia-persistenced"), (UnixFileMode)Convert.ToInt32("755", 8)); // as the driver installs it
        Directory.CreateDirectory(host.OnDisk("/bin"));
        File.Copy(new[] { "/bin/rm", "/usr/bin/rm" }.First(File.Exists), host.OnDisk("/bin/rm")); // ExecStopPost's, as every system has it

        await HostApplier.ApplyAsync(Server, host, Sdk);
        var verify = await ProcessRunner.RunAsync(analyze, ["verify", $"--root={host.Root}", "--man=no", "nvidia-persistenced.service"]);
        Assert.True(verify.ExitCode == 0 && verify.Stderr.Trim().Length == 0, verify.ToString());
    }

    [Fact]
    public void Plan_NoHookProgram_WritesNoCdiSpecAndSaysWhy()
    {
        File.Delete(host.OnDisk(FakeHostRoot.NvsdkBinary));
        var plan = HostPlanner.Plan(Server, host, Sdk);
        Assert.DoesNotContain(plan.Changes, c => c.Path == "/etc/cdi/nvidia.yaml");
        Assert.Contains(plan.Findings, f => f.Id == "host.cdi.hook");
    }

    /// <summary>
    /// The DaemonSet's case: `host apply --root /host` from an image whose nvsdk the host cannot see, and no hook on the
    /// host. Apply installs the running nvsdk as the spec's hook (a managed file: same bytes, 0755), and rollback
    /// removes it with the folders it made.
    /// </summary>
    [Fact]
    public async Task Apply_NoHookOnTheRoot_InstallsThisNvsdkAsTheHookAndRollbackRemovesIt()
    {
        File.Delete(host.OnDisk(FakeHostRoot.NvsdkBinary));
        var binary = temp.Combine("image", "nvsdk");
        Directory.CreateDirectory(Path.GetDirectoryName(binary)!);
        var bytes = new byte[256 * 1024];
        new Random(13).NextBytes(bytes);
        bytes[4] = 0; // an ELF has NUL bytes: plan shows it by size and hash, not as a diff
        await File.WriteAllBytesAsync(binary, bytes);

        var plan = HostPlanner.Plan(Server, host, Sdk, selfBinary: binary);
        var install = plan.Changes.Single(c => c.Path == CdiHookInstall.HookPath);
        Assert.Equal(ChangeKind.Create, install.Kind);
        Assert.Contains($"{bytes.Length} bytes, sha256 {HostRoot.Sha256(bytes)}", install.After, StringComparison.Ordinal);

        await HostApplier.ApplyAsync(Server, host, Sdk, selfBinary: binary);
        Assert.Contains($"path: {CdiHookInstall.HookPath}\n", host.Read("/etc/cdi/nvidia.yaml"), StringComparison.Ordinal);
        var hook = host.Inspect(CdiHookInstall.HookPath);
        Assert.Equal((HostEntryKind.File, "755", 0u), (hook.Kind, hook.Mode, hook.Uid));
        Assert.Equal(bytes, hook.Bytes);
        Assert.True((await HostApplier.ApplyAsync(Server, host, Sdk, selfBinary: binary)).NoOp);

        await HostApplier.RollbackAsync(host);
        Assert.Equal(HostEntryKind.Absent, host.Inspect(CdiHookInstall.HookPath).Kind);
        Assert.False(Directory.Exists(host.OnDisk("/usr/local/libexec")));
        Assert.False(File.Exists(host.OnDisk("/etc/cdi/nvidia.yaml")));

        // No GPU, so no spec: nothing to run the hook, so it is not installed either.
        Directory.Delete(host.OnDisk("/proc/driver/nvidia/gpus"), recursive: true);
        Assert.DoesNotContain(HostPlanner.Plan(Server, host, Sdk, selfBinary: binary).Changes, c => c.Path == CdiHookInstall.HookPath);
    }

    /// <summary>
    /// nvidia-ctk's spec in /var/run/cdi defines nvidia.com/gpu too (Podman would refuse both): apply moves it aside as
    /// a managed change, a second apply keeps it so, and rollback puts it back byte for byte with its mode.
    /// </summary>
    [Fact]
    public async Task Apply_ConflictingSpec_MovedAsideUntilRollback()
    {
        const string Other = "/var/run/cdi/nvidia.yaml";
        const string Aside = Other + ".disabled-by-nvsdk";
        FakeHostRoot.WriteFile(host.Root, Other, "cdiVersion: 0.5.0\nkind: nvidia.com/gpu\ndevices: []\n");
        File.SetUnixFileMode(host.OnDisk(Other), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var before = host.Inspect(Other);

        var plan = HostPlanner.Plan(Server, host, Sdk);
        Assert.Contains(plan.Findings, f => f.Id == "host.cdi.conflict");
        Assert.Equal(ChangeKind.Remove, plan.Changes.Single(c => c.Path == Other).Kind);
        Assert.Equal(ChangeKind.Create, plan.Changes.Single(c => c.Path == Aside).Kind);

        await HostApplier.ApplyAsync(Server, host, Sdk);
        Assert.Equal(HostEntryKind.Absent, host.Inspect(Other).Kind);
        Assert.Equal((before.Sha256, "600"), (host.Inspect(Aside).Sha256, host.Inspect(Aside).Mode));
        Assert.True((await HostApplier.ApplyAsync(Server, host, Sdk)).NoOp);
        Assert.Empty(HostApplier.Status(host));

        await HostApplier.RollbackAsync(host);
        Assert.True(host.Inspect(Other).SameAs(before));
        Assert.Equal(HostEntryKind.Absent, host.Inspect(Aside).Kind);
    }

    [Fact]
    public void Plan_LiveRootUnitChanged_ReloadsAndEnablesPersistenced()
    {
        var unit = new FileChange("/etc/systemd/system/nvidia-persistenced.service", ChangeKind.Create, null, "x", "644", "r");
        var desired = new[] { new ManagedFile(unit.Path, "x", "644", "r") };
        var commands = Nvsdk.Core.Host.Systemd.LiveActions.Commands(new HostRoot("/"), [unit], desired);
        Assert.Equal(["systemctl daemon-reload", "systemctl enable --now nvidia-persistenced.service"], commands.Select(c => string.Join(' ', c)));
        Assert.Empty(Nvsdk.Core.Host.Systemd.LiveActions.Commands(host, [unit], desired)); // under --root nothing runs
        Assert.Contains(Nvsdk.Core.Host.Systemd.LiveActions.Hints(host, [unit], desired), h => h.Contains("systemctl daemon-reload && systemctl enable --now nvidia-persistenced.service", StringComparison.Ordinal));
        Assert.Contains(Nvsdk.Core.Host.Systemd.LiveActions.Hints(new HostRoot("/"), [unit with { Path = "/etc/docker/daemon.json" }], desired), h => h.Contains("systemctl restart docker", StringComparison.Ordinal));
    }
}
