using Nvsdk.Core.Errors;
using Nvsdk.Core.Host.Cdi;
using Nvsdk.Testing;
using YamlDotNet.RepresentationModel;

namespace Nvsdk.Core.Tests.Host.Cdi;

/// <summary>
/// The CDI spec generated from a fake root rebuilt from a real H100 host (driver 580.159.04 under /usr/local/nvidia),
/// and from variations of it that real hosts have.
/// </summary>
public sealed class CdiSpecGeneratorTests : IDisposable
{
    private const string Uuid = "GPU-36c53bbd-eec4-7024-37cf-e640a0418ab2";
    private const string Lib64 = "/usr/local/nvidia/lib64";

    private readonly TempDir _dir = new("nvsdk-cdi-");

    public CdiSpecGeneratorTests()
    {
        Root = FakeHostRoot.BuildH100(_dir.Combine("root"));
    }

    private string Root { get; }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Generate_FakeH100_ValidatesAgainstCdiSchema()
    {
        var errors = CdiSchema.Errors(CdiSpecGenerator.Generate(Root));
        Assert.Empty(errors);
    }

    [Fact]
    public void Generate_SpecMissingARequiredField_FailsTheSchemaCheck()
    {
        // The validator must be able to say no, or the test above proves nothing.
        var broken = CdiSpecGenerator.Generate(Root).Replace("    containerPath: /usr/local/nvidia/bin/nvidia-smi\n", string.Empty, StringComparison.Ordinal);
        Assert.Contains(CdiSchema.Errors(broken), e => e.Contains("containerPath", StringComparison.Ordinal));
    }

    [Fact]
    public void Generate_FakeH100_MatchesGoldenFile() =>
        GoldenFile.AssertMatches(Path.Combine("cdi", "h100-nvidia.yaml"), CdiSpecGenerator.Generate(Root));

    [Fact]
    public void Generate_FakeH100_HasIndexUuidAndAllDevicesInThatOrder()
    {
        var spec = Load(CdiSpecGenerator.Generate(Root));
        Assert.Equal("nvidia.com/gpu", Scalar(spec, "kind"));
        Assert.Equal(["0", Uuid, "all"], DeviceNames(spec));
        Assert.All(Devices(spec), d => Assert.Equal(["/dev/nvidia0"], Paths(d["containerEdits"], "deviceNodes", "path")));
    }

    [Fact]
    public void Generate_SecondRun_IsByteIdentical()
    {
        var first = CdiSpecGenerator.Generate(Root);
        using var other = new TempDir("nvsdk-cdi-again-");
        var second = CdiSpecGenerator.Generate(FakeHostRoot.BuildH100(other.Combine("root")));
        Assert.Equal(first, CdiSpecGenerator.Generate(Root));
        Assert.Equal(first, second);
    }

    [Fact]
    public void Generate_FakeH100_MountsEveryDriverLibraryFromUsrLocalNvidia()
    {
        var mounts = CommonMounts(Load(CdiSpecGenerator.Generate(Root)));
        foreach (var lib in new[] { "libcuda.so.580.159.04", "libnvidia-ml.so.580.159.04", "libnvidia-ptxjitcompiler.so.580.159.04", "libnvidia-nvvm.so.580.159.04" })
        {
            var mount = Assert.Single(mounts, m => m.ContainerPath == $"{Lib64}/{lib}");
            Assert.Equal(mount.ContainerPath, mount.HostPath);
            Assert.Equal(["ro", "nosuid", "nodev", "bind"], mount.Options);
        }

        // Every library of the driver by its version suffix, as nvidia-ctk mounts them on this host (26: NVENC/NVDEC,
        // EGL/GLX, OptiX… too); soname links are ldconfig's job in the container.
        Assert.Equal(26, mounts.Count(m => m.ContainerPath.StartsWith(Lib64 + "/", StringComparison.Ordinal)));
        Assert.Contains(mounts, m => m.ContainerPath == $"{Lib64}/libGLX_nvidia.so.580.159.04");
        Assert.Contains(mounts, m => m.ContainerPath == $"{Lib64}/libnvcuvid.so.580.159.04");
        Assert.DoesNotContain(mounts, m => m.ContainerPath == $"{Lib64}/libcuda.so.1");
    }

    [Fact]
    public void Generate_FakeH100_MountsBinariesFirmwareAndControlNodes()
    {
        var spec = Load(CdiSpecGenerator.Generate(Root));
        var mounts = CommonMounts(spec).Select(m => m.ContainerPath).ToList();
        Assert.Contains("/usr/local/nvidia/bin/nvidia-smi", mounts);
        Assert.Contains("/usr/local/nvidia/bin/nvidia-cuda-mps-control", mounts);
        Assert.Contains("/usr/local/nvidia/firmware/nvidia/580.159.04/gsp_ga10x.bin", mounts);
        Assert.Equal(
            ["/dev/nvidia-uvm", "/dev/nvidia-uvm-tools", "/dev/nvidiactl"], // no MIG caps for a whole GPU
            Paths(spec["containerEdits"], "deviceNodes", "path"));
        Assert.Equal(["NVIDIA_VISIBLE_DEVICES=void"], Strings(spec["containerEdits"]["env"]));
    }

    [Fact]
    public void Generate_FakeH100_HooksLinkLibcudaEnableCudaCompatThenUpdateLdcache()
    {
        var hooks = ((YamlSequenceNode)Load(CdiSpecGenerator.Generate(Root))["containerEdits"]["hooks"]).Children;
        Assert.Equal(3, hooks.Count);
        Assert.All(hooks, h => Assert.Equal("createContainer", Scalar(h, "hookName")));
        Assert.All(hooks, h => Assert.Equal("/usr/bin/nvidia-cdi-hook", Scalar(h, "path")));
        Assert.Equal(["nvidia-cdi-hook", "create-symlinks", "--link", $"libcuda.so.1::{Lib64}/libcuda.so"], Strings(hooks[0]["args"]));
        Assert.Equal(["nvidia-cdi-hook", "enable-cuda-compat", "--host-driver-version=580.159.04"], Strings(hooks[1]["args"])); // before the cache is built
        Assert.Equal(["nvidia-cdi-hook", "update-ldcache", "--folder", Lib64], Strings(hooks[2]["args"]));
    }

    [Fact]
    public void Generate_NvsdkAsHook_RunsItsCdiHookVerb()
    {
        var hook = ((YamlSequenceNode)Load(CdiSpecGenerator.Generate(Root, "/usr/local/bin/nvsdk"))["containerEdits"]["hooks"]).Children[2];
        Assert.Equal(["nvsdk", "cdi-hook", "update-ldcache", "--folder", Lib64], Strings(hook["args"]));
    }

    /// <summary>container.graphics: the driver's loader configs, found in its share folder, where loaders in the container look (as nvidia-ctk mounts them).</summary>
    [Fact]
    public void Generate_Graphics_MountsTheVulkanAndEglConfigsWhereLoadersLook()
    {
        var spec = CdiSpecGenerator.Generate(Root, graphics: true);
        Assert.Empty(CdiSchema.Errors(spec));
        var mounts = ((YamlSequenceNode)Load(spec)["containerEdits"]["mounts"]).Children
            .ToDictionary(m => Scalar(m, "containerPath"), m => Scalar(m, "hostPath"));
        Assert.Equal("/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json", mounts["/etc/vulkan/icd.d/nvidia_icd.json"]);
        Assert.Equal("/usr/local/nvidia/share/vulkan/implicit_layer.d/nvidia_layers.json", mounts["/etc/vulkan/implicit_layer.d/nvidia_layers.json"]);
        Assert.Equal("/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json", mounts["/usr/share/glvnd/egl_vendor.d/10_nvidia.json"]);
        Assert.DoesNotContain(Paths(Load(CdiSpecGenerator.Generate(Root))["containerEdits"], "mounts", "containerPath"), p => p.EndsWith(".json", StringComparison.Ordinal)); // off by default
    }

    [Fact]
    public void Generate_FakeH100_ClaimsCdi050ForItsDigitDeviceNames()
    {
        Assert.Equal("0.5.0", Scalar(Load(CdiSpecGenerator.Generate(Root)), "cdiVersion"));
    }

    [Fact]
    public void Generate_DriverRoot_PrefixesEveryHostPathOnly()
    {
        var spec = Load(CdiSpecGenerator.Generate(Root, driverRoot: "/run/nvidia/driver"));
        Assert.All(CommonMounts(spec), m => Assert.StartsWith("/run/nvidia/driver/", m.HostPath, StringComparison.Ordinal));
        Assert.All(CommonMounts(spec), m => Assert.False(m.ContainerPath.StartsWith("/run/nvidia/driver", StringComparison.Ordinal)));
        Assert.Equal(["/run/nvidia/driver/dev/nvidiactl"], Paths(spec["containerEdits"], "deviceNodes", "hostPath").Where(p => p.EndsWith("ctl", StringComparison.Ordinal)));
    }

    [Fact]
    public void Generate_HookPathGiven_RunsThatHook()
    {
        var hook = ((YamlSequenceNode)Load(CdiSpecGenerator.Generate(Root, "/opt/nvsdk/bin/nvidia-cdi-hook"))["containerEdits"]["hooks"]).Children[0];
        Assert.Equal("/opt/nvsdk/bin/nvidia-cdi-hook", Scalar(hook, "path"));
    }

    [Theory]
    [InlineData("nvidia-cdi-hook")]
    [InlineData("bin/nvidia-cdi-hook")]
    [InlineData("/usr/bin/")]
    public void Generate_HookPathNotAbsoluteProgram_ThrowsInvalidInput(string hookPath)
    {
        var e = Assert.Throws<NvsdkException>(() => CdiSpecGenerator.Generate(Root, hookPath));
        Assert.Equal(ErrorCode.InvalidInput, e.Code);
    }

    [Fact]
    public void Generate_RootWithoutGpu_ThrowsInvalidInput()
    {
        using var empty = new TempDir("nvsdk-cdi-empty-");
        FakeHostRoot.WriteFile(empty.Path, "/etc/os-release", "ID=ubuntu\n");
        var e = Assert.Throws<NvsdkException>(() => CdiSpecGenerator.Generate(empty.Path));
        Assert.Equal(ErrorCode.InvalidInput, e.Code);
        Assert.NotNull(e.Hint);
    }

    [Fact]
    public void Generate_DriverLoadedButNoGpuListed_ThrowsInvalidInput()
    {
        Directory.Delete(Path.Join(Root, "proc/driver/nvidia/gpus"), recursive: true);
        Assert.Equal(ErrorCode.InvalidInput, Assert.Throws<NvsdkException>(() => CdiSpecGenerator.Generate(Root)).Code);
    }

    [Fact]
    public void Generate_GpuWithoutUuid_ThrowsInvalidInput()
    {
        FakeHostRoot.WriteFile(Root, "/proc/driver/nvidia/gpus/0000:00:06.0/information", "Model: \t NVIDIA H100\nGPU UUID: \t ??\nDevice Minor: \t 0\n");
        Assert.Equal(ErrorCode.InvalidInput, Assert.Throws<NvsdkException>(() => CdiSpecGenerator.Generate(Root)).Code);
    }

    [Fact]
    public void Generate_TwoGpus_IndexesThemByPciAddressNotMinor()
    {
        const string other = "GPU-00000000-1111-2222-3333-444444444444";
        FakeHostRoot.WriteFile(Root, "/proc/driver/nvidia/gpus/0000:00:05.0/information", $"GPU UUID: \t {other}\nBus Location: \t 0000:00:05.0\nDevice Minor: \t 1\n");
        FakeHostRoot.WriteFile(Root, "/dev/nvidia1", string.Empty);

        var spec = Load(CdiSpecGenerator.Generate(Root));
        Assert.Equal(["0", "1", other, Uuid, "all"], DeviceNames(spec));
        var devices = Devices(spec).ToDictionary(d => Scalar(d, "name"));
        Assert.Equal(["/dev/nvidia1"], Paths(devices["0"]["containerEdits"], "deviceNodes", "path"));
        Assert.Equal(["/dev/nvidia0"], Paths(devices["1"]["containerEdits"], "deviceNodes", "path"));
        Assert.Equal(["/dev/nvidia0", "/dev/nvidia1"], Paths(devices["all"]["containerEdits"], "deviceNodes", "path"));
    }

    [Fact]
    public void Generate_WrapperScriptInUsrBin_MountsTheRealBinaryInstead()
    {
        // As on the H100 sandbox: /usr/bin/nvidia-smi is a shell script that execs /usr/local/nvidia/bin/nvidia-smi.
        FakeHostRoot.WriteFile(Root, "/usr/bin/nvidia-smi", "#!/bin/sh\nexec /usr/local/nvidia/bin/nvidia-smi \"$@\"\n");
        FakeHostRoot.WriteFile(Root, "/usr/bin/nvidia-debugdump", "\u007fELF");

        var mounts = CommonMounts(Load(CdiSpecGenerator.Generate(Root))).Select(m => m.ContainerPath).ToList();
        Assert.Contains("/usr/local/nvidia/bin/nvidia-smi", mounts);
        Assert.DoesNotContain("/usr/bin/nvidia-smi", mounts);
        Assert.Contains("/usr/bin/nvidia-debugdump", mounts);
        Assert.DoesNotContain("/usr/local/nvidia/bin/nvidia-debugdump", mounts);
    }

    [Fact]
    public void Generate_PersistencedSocketPresent_MountsItNoexec()
    {
        FakeHostRoot.WriteFile(Root, "/run/nvidia-persistenced/socket", string.Empty);
        var mount = Assert.Single(CommonMounts(Load(CdiSpecGenerator.Generate(Root))), m => m.ContainerPath == "/run/nvidia-persistenced/socket");
        Assert.Equal(["ro", "nosuid", "nodev", "bind", "noexec"], mount.Options);
    }

    [Fact]
    public void Generate_DistroLayoutThroughLinkerCacheAndSymlinkedLib_MountsRealFiles()
    {
        // Ubuntu: /lib -> usr/lib, the cache names /lib/x86_64-linux-gnu/libcuda.so.1 -> libcuda.so.580.159.04,
        // binaries in /usr/bin, firmware in /lib/firmware/nvidia/<version>.
        using var host = new TempDir("nvsdk-cdi-distro-");
        var root = host.Path;
        foreach (var f in new[] { "/proc/driver/nvidia/version", "/proc/driver/nvidia/gpus/0000:00:06.0/information", "/dev/nvidia0", "/dev/nvidiactl" })
        {
            FakeHostRoot.WriteFile(root, f, File.ReadAllText(Path.Join(Root, f)));
        }

        const string multiarch = "/usr/lib/x86_64-linux-gnu";
        FakeHostRoot.WriteFile(root, $"{multiarch}/libcuda.so.580.159.04", string.Empty);
        FakeHostRoot.WriteFile(root, $"{multiarch}/libcuda.so.535.104.05", string.Empty);
        File.CreateSymbolicLink(Path.Join(root, multiarch, "libcuda.so.1"), "libcuda.so.580.159.04");
        FakeHostRoot.WriteFile(root, "/usr/lib/firmware/nvidia/580.159.04/gsp_ga10x.bin", string.Empty);
        File.CreateSymbolicLink(Path.Join(root, "lib"), "usr/lib");
        FakeHostRoot.WriteFile(root, "/usr/bin/nvidia-smi", string.Empty);
        FakeHostRoot.WriteFile(root, "/etc/ld.so.cache", "1 libs found in cache `/etc/ld.so.cache'\n\tlibcuda.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libcuda.so.1\n");

        var mounts = CommonMounts(Load(CdiSpecGenerator.Generate(root)));
        Assert.Equal(
            [
                "/lib/firmware/nvidia/580.159.04/gsp_ga10x.bin=/usr/lib/firmware/nvidia/580.159.04/gsp_ga10x.bin",
                "/usr/bin/nvidia-smi=/usr/bin/nvidia-smi",
                $"{multiarch}/libcuda.so.580.159.04={multiarch}/libcuda.so.580.159.04",
            ],
            mounts.Select(m => $"{m.ContainerPath}={m.HostPath}"));
    }

    [Fact]
    public void Generate_AbsoluteLibrarySymlink_IsFollowedInsideTheRoot()
    {
        File.Delete(Path.Join(Root, Lib64, "libcuda.so.580.159.04"));
        FakeHostRoot.WriteFile(Root, "/opt/driver/libcuda.so.580.159.04", string.Empty);
        File.CreateSymbolicLink(Path.Join(Root, Lib64, "libcuda.so.580.159.04"), "/opt/driver/libcuda.so.580.159.04");

        var mounts = CommonMounts(Load(CdiSpecGenerator.Generate(Root)));
        Assert.Contains(mounts, m => m.HostPath == "/opt/driver/libcuda.so.580.159.04");
        Assert.Contains("/opt/driver", Strings(((YamlSequenceNode)Load(CdiSpecGenerator.Generate(Root))["containerEdits"]["hooks"]).Children[^1]["args"]));
    }

    private static YamlMappingNode Load(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static string Scalar(YamlNode map, string key) => ((YamlScalarNode)map[key]).Value!;

    private static List<string> Strings(YamlNode seq) => ((YamlSequenceNode)seq).Children.Select(n => ((YamlScalarNode)n).Value!).ToList();

    private static IEnumerable<YamlMappingNode> Devices(YamlMappingNode spec) => ((YamlSequenceNode)spec["devices"]).Children.Cast<YamlMappingNode>();

    private static List<string> DeviceNames(YamlMappingNode spec) => Devices(spec).Select(d => Scalar(d, "name")).ToList();

    private static List<string> Paths(YamlNode edits, string list, string key) =>
        ((YamlSequenceNode)edits[list]).Children.Select(n => Scalar(n, key)).ToList();

    private static List<(string HostPath, string ContainerPath, List<string> Options)> CommonMounts(YamlMappingNode spec) =>
        ((YamlSequenceNode)spec["containerEdits"]["mounts"]).Children
            .Select(m => (Scalar(m, "hostPath"), Scalar(m, "containerPath"), Strings(m["options"])))
            .ToList();
}
