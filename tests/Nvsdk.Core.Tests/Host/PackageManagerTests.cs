using Nvsdk.Core.Host;

namespace Nvsdk.Core.Tests.Host;

/// <summary>The monitoring part against this Debian machine's real apt: btop installs, nvtop is not in Debian 12 main.</summary>
public class PackageManagerTests
{
    private static PackageManager Apt()
    {
        var manager = PackageManager.Detect(new HostRoot("/"));
        Skip.If(manager?.Name != "apt", "needs a Debian or Ubuntu machine");
        return manager!;
    }

    [SkippableFact]
    public void Detect_ThisMachine_IsApt() => Assert.Equal("apt-get install -y", Apt().InstallCommand);

    [SkippableFact]
    public void IsAvailable_NvtopOnDebian12_IsFalseAndBtopTrue()
    {
        var apt = Apt();
        var osRelease = File.ReadAllText("/etc/os-release");
        Skip.IfNot(osRelease.Contains("VERSION_CODENAME=bookworm", StringComparison.Ordinal), "the nvtop fact is about Debian 12");
        Assert.False(apt.IsAvailable("nvtop", live: true));
        Assert.True(apt.IsAvailable("btop", live: true));
    }

    [SkippableFact]
    public void Install_Btop_ReallyInstalls()
    {
        var apt = Apt();
        apt.Install(["btop"]);
        Assert.True(apt.IsInstalled("btop", live: true));
    }

    [Fact]
    public void Detect_FakeRoots_ByOsRelease()
    {
        using var temp = new Nvsdk.Testing.TempDir();
        Directory.CreateDirectory(temp.Combine("etc"));
        File.WriteAllText(temp.Combine("etc", "os-release"), "ID=rocky\nID_LIKE=\"rhel centos fedora\"\n");
        Assert.Equal("dnf", PackageManager.Detect(new HostRoot(temp.Path))!.Name);
        File.WriteAllText(temp.Combine("etc", "os-release"), "ID=ubuntu\nID_LIKE=debian\n");
        Assert.Equal("apt", PackageManager.Detect(new HostRoot(temp.Path))!.Name);
        Assert.Null(PackageManager.Detect(new HostRoot(temp.Combine("nowhere"))));
    }
}
