using System.Text.Json.Nodes;
using Nvsdk.Testing;
using Nvsdk.Testing.Oci;

namespace Nvsdk.Cli.Tests;

/// <summary>
/// nvsdk's own container image: built without Docker by scripts/build-image.sh from the published binary,
/// pushed by nvsdk's OCI client to a real docker-registry, read back by skopeo (someone else's reader), and
/// exported by nvsdk into a root file system in which the binary runs (chroot, when the tests run as root).
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

        var build = await ProcessRunner.RunAsync(
            "bash",
            [Path.Combine(RepoPaths.Root, "scripts", "build-image.sh"), "--out", temp.Combine("layout"), "--push", $"{registry.Host}/nvsdk/nvsdk"],
            timeout: TimeSpan.FromMinutes(3));
        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Contains($"pushed {registry.Host}/nvsdk/nvsdk:{version}@sha256:", build.Stdout, StringComparison.Ordinal);

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

    [Fact]
    public void KubernetesManifests_NameTheImageOfThisVersion()
    {
        var daemonSet = File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", "kubernetes", "daemonset.yaml"));
        var dockerfile = File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", "container", "Dockerfile"));
        var props = File.ReadAllText(Path.Combine(RepoPaths.Root, "Directory.Build.props"));
        var version = System.Text.RegularExpressions.Regex.Match(props, "<Version>([^<]+)</Version>").Groups[1].Value;
        version = version.Length > 0 ? version : "1.0.0";

        Assert.Contains($"image: ghcr.io/nvsdk/nvsdk:{version}", daemonSet, StringComparison.Ordinal);
        Assert.Contains($"org.opencontainers.image.version=\"{version}\"", dockerfile, StringComparison.Ordinal);
    }
}
