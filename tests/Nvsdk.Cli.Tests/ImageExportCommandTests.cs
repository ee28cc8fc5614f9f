using System.Text.Json;
using Nvsdk.Testing;
using Nvsdk.Testing.Oci;

namespace Nvsdk.Cli.Tests;

/// <summary>
/// `image export` of an image made by the real tools: GNU tar packs a busybox root file system (a 1777 /tmp, a
/// setuid program, a FIFO, and a relative symlink that climbs above the root, as Podman and umoci allow), Podman
/// imports it and pushes it to docker-registry, nvsdk pulls and exports it, and Podman (with runc) runs the
/// exported tree as a non-root user, who can write to /tmp only because its mode came through.
/// </summary>
public sealed class ImageExportCommandTests : IDisposable
{
    private readonly TempDir temp = new("nvsdk-export-cli-");

    public void Dispose() => temp.Dispose();

    [SkippableFact]
    public async Task ImageExport_RootfsMadeByTarAndPodman_ModesKeptLinkKeptAsDataAndItRunsAsNonRoot()
    {
        ProcessRunner.Require("runc", "runc");
        CiTools.SkipIf(DockerRegistryServer.Executable is null, DockerRegistryServer.MissingReason);
        using var registry = await DockerRegistryServer.StartAsync();
        var reference = await PushRootfsAsync(registry);
        var passwd = await File.ReadAllBytesAsync("/etc/passwd");

        var export = await Nvsdk.RunAsync("image", "export", reference, temp.Combine("out"), "--root", temp.Combine("store"));

        Assert.True(export.ExitCode == 0, export.ToString());
        var lines = export.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("skipped run/fifo: FIFO; FIFOs are not written into an exported tree", lines);
        Assert.Contains("no setuid bin/su: written 0755, not 4755 (--keep-setid keeps it)", lines);
        Assert.DoesNotContain("SkippedLayerEntry", export.Stdout, StringComparison.Ordinal);
        var rootfs = temp.Combine("out");
        Assert.Equal("1777", await StatAsync("%a", Path.Combine(rootfs, "tmp")));
        Assert.Equal("755", await StatAsync("%a", Path.Combine(rootfs, "bin/su")));
        Assert.Equal("../../etc/passwd", new FileInfo(Path.Combine(rootfs, "usr/share/host-passwd")).LinkTarget); // "/etc/passwd" of the container
        Assert.Equal(passwd, await File.ReadAllBytesAsync("/etc/passwd"));
        Assert.Equal(Mtime, await StatAsync("%Y", Path.Combine(rootfs, "etc/passwd")));

        var run = await ProcessRunner.RunAsync(
            Podman,
            [.. PodmanStorage, "run", "--rm", "--runtime", "runc", "--network", "none", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024",
                "--user", "1000:1000", "--rootfs", rootfs, "/bin/sh", "-c", "echo written-by-$(id -u) > /tmp/probe && cat /tmp/probe /usr/share/host-passwd"],
            timeout: TimeSpan.FromMinutes(2));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("written-by-1000\n", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("root:x:0:0:container:/root:/bin/sh\n", run.Stdout, StringComparison.Ordinal); // through the link
    }

    [SkippableFact]
    public async Task ImageExport_JsonWithKeepSetId_SkippedEntriesAsObjectsAndSetuidKept()
    {
        CiTools.SkipIf(DockerRegistryServer.Executable is null, DockerRegistryServer.MissingReason);
        using var registry = await DockerRegistryServer.StartAsync();
        var reference = await PushRootfsAsync(registry);

        var export = await Nvsdk.RunAsync("image", "export", reference, temp.Combine("out"), "--keep-setid", "--json", "--root", temp.Combine("store"));

        Assert.True(export.ExitCode == 0, export.ToString());
        using var json = JsonDocument.Parse(export.Stdout);
        var skipped = Assert.Single(json.RootElement.GetProperty("skipped").EnumerateArray());
        Assert.Equal("run/fifo", skipped.GetProperty("path").GetString());
        Assert.Equal("FIFO", skipped.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(skipped.GetProperty("reason").GetString()));
        Assert.StartsWith("sha256:", skipped.GetProperty("layer").GetString(), StringComparison.Ordinal);
        Assert.Empty(json.RootElement.GetProperty("setIdStripped").EnumerateArray());
        Assert.Equal("4755", await StatAsync("%a", temp.Combine("out", "bin/su")));
        Assert.Equal("1777", await StatAsync("%a", temp.Combine("out", "tmp")));
    }

    private static string Podman => ProcessRunner.Require("podman", "podman");

    private string[] PodmanStorage => ["--root", temp.Combine("podman"), "--runroot", temp.Combine("podman-run"), "--storage-driver", "vfs", "--cgroup-manager", "cgroupfs"];

    /// <summary>The root file system imported by Podman and pushed by it to <paramref name="registry"/>; returns the reference.</summary>
    private async Task<string> PushRootfsAsync(DockerRegistryServer registry)
    {
        var reference = $"{registry.Host}/nvsdk/rootfs:v1";
        await RunAsync(Podman, [.. PodmanStorage, "import", await RootfsTarAsync(), "localhost/nvsdk-export:test"]);
        await RunAsync(Podman, [.. PodmanStorage, "push", "--tls-verify=false", "localhost/nvsdk-export:test", $"docker://{reference}"]);
        return reference;
    }

    /// <summary>Every member's mtime in the tar (2025-12-01), as seconds since the epoch.</summary>
    private const string Mtime = "1764547200";

    /// <summary>
    /// busybox-static with a few applets; /tmp 1777; bin/su setuid; a FIFO; the container's own /etc/passwd and a
    /// link to it from two folders down that climbs four (ln -s keeps the target as written); packed by GNU tar.
    /// </summary>
    private async Task<string> RootfsTarAsync()
    {
        var busybox = new[] { "/bin/busybox", "/usr/bin/busybox" }.FirstOrDefault(File.Exists) ?? ProcessRunner.Require("busybox", "busybox-static");
        var rootfs = temp.Combine("rootfs");
        foreach (var dir in new[] { "bin", "etc", "tmp", "run", "usr/share" })
        {
            Directory.CreateDirectory(Path.Combine(rootfs, dir));
        }

        File.Copy(busybox, Path.Combine(rootfs, "bin", "busybox"));
        foreach (var applet in new[] { "sh", "cat", "id" })
        {
            File.CreateSymbolicLink(Path.Combine(rootfs, "bin", applet), "busybox");
        }

        File.Copy(busybox, Path.Combine(rootfs, "bin", "su"));
        await File.WriteAllTextAsync(Path.Combine(rootfs, "etc", "passwd"), "root:x:0:0:container:/root:/bin/sh\n");
        await RunAsync("chmod", ["1777", Path.Combine(rootfs, "tmp")]);
        await RunAsync("chmod", ["4755", Path.Combine(rootfs, "bin", "su")]);
        await RunAsync("mkfifo", [Path.Combine(rootfs, "run", "fifo")]);
        await RunAsync("ln", ["-s", "../../../../etc/passwd", Path.Combine(rootfs, "usr", "share", "host-passwd")]);
        var tar = temp.Combine("rootfs.tar");
        await RunAsync("tar", ["-C", rootfs, "--mtime=@" + Mtime, "-cf", tar, "."]);
        return tar;
    }

    private static async Task RunAsync(string program, string[] arguments)
    {
        var result = await ProcessRunner.RunAsync(program, arguments, timeout: TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, $"{program} {string.Join(' ', arguments)}: {result}");
    }

    private static async Task<string> StatAsync(string format, string path)
    {
        var result = await ProcessRunner.RunAsync("stat", ["-c", format, path]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout.Trim();
    }
}

/// <summary>
/// `image export` stopped by SIGINT/SIGTERM while its image still downloads (nginx trickling docker-registry's
/// responses): 130/143, one line, nothing under the asked name or beside it, and a re-run exports the image.
/// </summary>
public sealed class ImageExportSignalTests : IDisposable
{
    private readonly TempDir temp = new("nvsdk-export-signal-");

    public void Dispose() => temp.Dispose();

    [SkippableTheory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task ImageExport_SignalledMidway_LeavesNoTreeAndReRunCompletes(string signal)
    {
        CiTools.SkipIf(DockerRegistryServer.Executable is null, DockerRegistryServer.MissingReason);
        using var registry = await DockerRegistryServer.StartAsync();
        var layout = new OciLayoutBuilder(temp.Combine("layout"));
        var image = layout.AddImage(new OciImageSpec([
            new([LayerEntry.Directory("opt/"), LayerEntry.RandomFile("opt/blob", 512 * 1024, seed: 11)]) { Compression = LayerCompression.None },
        ]));
        using (var http = registry.CreateClient())
        {
            await RegistryPush.ImageAsync(http, layout, "nvsdk/export-signal", image, "v1");
        }

        using var slow = await NginxServer.StartAsync(temp.Path, slowBytesPerSecond: 8 * 1024, slowRegistry: registry.Host);
        Directory.CreateDirectory(temp.Combine("exports"));
        var destination = temp.Combine("exports", "rootfs");
        var root = temp.Combine("root");

        var (code, stderr, midway) = await SignalTests.RunAndSignalAsync(
            ["image", "export", $"127.0.0.1:{slow.Port}/nvsdk/export-signal:v1", destination, "--root", root], signal, 1500);

        Assert.True(midway, $"image export finished before the signal (exit {code}): {stderr}");
        SignalTests.AssertStoppedBySignal(code, stderr, signal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Combine("exports")));
        var again = await Nvsdk.RunAsync("image", "export", $"{registry.Host}/nvsdk/export-signal:v1", destination, "--root", root);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(512 * 1024, new FileInfo(Path.Combine(destination, "opt", "blob")).Length);
    }
}
