using System.Text.Json.Nodes;
using Nvsdk.Testing;
using Nvsdk.Testing.Oci;

namespace Nvsdk.Cli.Tests;

/// <summary>
/// nvsdk's own container image: built without Docker by scripts/build-image.sh from the published binary,
/// for amd64 and arm64 under one OCI index, pushed by nvsdk's OCI client to a real docker-registry, read back by
/// skopeo (someone else's reader), run by Podman, and exported by nvsdk into a root file system in which the
/// binary runs (chroot, when the tests run as root).
/// </summary>
public sealed class ContainerImageTests
{
    private static string Binary => Path.Combine(RepoPaths.Root, "out", "nvsdk");

    [SkippableFact]
    public async Task Image_BuiltPushedAndExported_RunsTheBinary()
    {
        CiTools.SkipIfNot(File.Exists(Binary), "out/nvsdk is not published (scripts/build.sh); the image is built from it");
        CiTools.SkipIf(DockerRegistryServer.Executable is null, DockerRegistryServer.MissingReason);
        CiTools.SkipIf(Skopeo.Executable is null, Skopeo.MissingReason);
        using var registry = await DockerRegistryServer.StartAsync();
        using var temp = new TempDir("nvsdk-image-");
        var version = (await ProcessRunner.RunAsync(Binary, ["--version"])).Stdout.Trim().Split('+')[0];

        // Both architectures when the arm64 binary is published (always in CI): one tag, an OCI index of two images.
        var arches = Packages.Binary("NVSDK_BIN_ARM64") is null ? "amd64" : "amd64 arm64";
        var build = await ProcessRunner.RunAsync(
            "bash",
            [Path.Combine(RepoPaths.Root, "scripts", "build-image.sh"), "--out", temp.Combine("layout"), "--arch", arches, "--push", $"{registry.Host}/nvsdk/nvsdk"],
            timeout: TimeSpan.FromMinutes(5));
        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Contains($"pushed {registry.Host}/nvsdk/nvsdk:{version}@sha256:", build.Stdout, StringComparison.Ordinal);

        var raw = await ProcessRunner.RunAsync("skopeo", ["inspect", "--tls-verify=false", "--raw", $"docker://{registry.Host}/nvsdk/nvsdk:{version}"]);
        Assert.True(raw.ExitCode == 0, raw.ToString());
        var index = JsonNode.Parse(raw.Stdout)!;
        Assert.Equal("application/vnd.oci.image.index.v1+json", (string?)index["mediaType"]);
        Assert.Equal(arches.Split(' '), index["manifests"]!.AsArray().Select(m => (string)m!["platform"]!["architecture"]!));

        // Podman pulls the index (taking this machine's amd64 image) and runs it. Its store stays in the temp
        // folder; runc with cgroupfs and explicit ulimits because sandboxed CI hosts (hybrid cgroups, capped
        // rlimits) refuse crun's defaults, which changes nothing about the image.
        var podman = Packages.Tool("podman", "podman");
        if (podman is not null)
        {
            var run = await ProcessRunner.RunAsync(podman, [
                "--root", temp.Combine("podman"), "--runroot", temp.Combine("podman-run"), "--cgroup-manager", "cgroupfs",
                "run", "--rm", "--tls-verify=false", "--network", "none", "--runtime", "runc", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024",
                $"{registry.Host}/nvsdk/nvsdk:{version}", "--version"], timeout: TimeSpan.FromMinutes(5));
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.StartsWith(version, run.Stdout, StringComparison.Ordinal);
        }

        var inspect = await ProcessRunner.RunAsync("skopeo", ["inspect", "--tls-verify=false", "--config", $"docker://{registry.Host}/nvsdk/nvsdk:{version}"]);
        Assert.True(inspect.ExitCode == 0, inspect.ToString());
        var config = JsonNode.Parse(inspect.Stdout)!["config"]!;
        Assert.Equal("/usr/local/bin/nvsdk", (string?)config["Entrypoint"]![0]);
        Assert.Equal(["exporter", "--listen", "0.0.0.0:9400"], config["Cmd"]!.AsArray().Select(c => (string)c!));

        var export = await Nvsdk.RunAsync("image", "export", $"{registry.Host}/nvsdk/nvsdk:{version}", temp.Combine("rootfs"), "--root", temp.Combine("store"));
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.True(File.Exists(temp.Combine("rootfs", "usr", "local", "bin", "nvsdk")));
        if (Environment.UserName == "root" && ProcessRunner.Which("chroot") is { } chroot)
        {
            var run = await ProcessRunner.RunAsync(chroot, [temp.Combine("rootfs"), "/usr/local/bin/nvsdk", "--version"]);
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.StartsWith(version, run.Stdout, StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public async Task Image_TwoBuilds_GiveTheSameIndexDigest()
    {
        Skip.IfNot(File.Exists(Binary), "out/nvsdk is not published (scripts/build.sh); the image is built from it");
        using var temp = new TempDir("nvsdk-image-");
        var arches = Packages.Binary("NVSDK_BIN_ARM64") is null ? "amd64" : "amd64 arm64";
        var digests = new List<string>();
        foreach (var run in (string[])["a", "b"])
        {
            var build = await ProcessRunner.RunAsync(
                "bash",
                [Path.Combine(RepoPaths.Root, "scripts", "build-image.sh"), "--out", temp.Combine(run), "--arch", arches],
                environment: new Dictionary<string, string?> { ["SOURCE_DATE_EPOCH"] = "1764547200" },
                timeout: TimeSpan.FromMinutes(5));
            Assert.True(build.ExitCode == 0, build.ToString());
            digests.Add((string)JsonNode.Parse(await File.ReadAllTextAsync(temp.Combine(run, "index.json")))!["manifests"]![0]!["digest"]!);
        }

        Assert.Equal(digests[0], digests[1]);
    }

    [Fact]
    public void KubernetesManifests_NameTheImageOfThisVersion()
    {
        var daemonSet = File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", "kubernetes", "daemonset.yaml"));
        var dockerfile = File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", "container", "Dockerfile"));
        var version = Packages.Version;

        Assert.Contains($"image: ghcr.io/nvsdk/nvsdk:{version}", daemonSet, StringComparison.Ordinal);
        Assert.Contains($"org.opencontainers.image.version=\"{version}\"", dockerfile, StringComparison.Ordinal);
    }
}
