using Nvsdk.Core.Errors;
using Nvsdk.Core.Host.Cdi.Hooks;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Host.Cdi;

/// <summary>The enable-cuda-compat hook on container roots with and without CUDA forward-compat libraries.</summary>
public sealed class ContainerCudaCompatTests : IDisposable
{
    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    private string Rootfs(params string[] compatFiles)
    {
        var rootfs = temp.Combine("rootfs");
        Directory.CreateDirectory(Path.Combine(rootfs, "etc", "ld.so.conf.d"));
        foreach (var file in compatFiles)
        {
            FakeHostRoot.WriteFile(rootfs, $"{ContainerCudaCompat.CompatFolder}/{file}", string.Empty);
        }

        return rootfs;
    }

    private static string? DropIn(string rootfs) =>
        File.Exists(Path.Combine(rootfs, ContainerCudaCompat.DropIn.TrimStart('/'))) ? File.ReadAllText(Path.Combine(rootfs, ContainerCudaCompat.DropIn.TrimStart('/'))) : null;

    [Theory]
    [InlineData("libcuda.so.590.44.01", "580.159.04", true)] // CUDA 13.1's compat libcuda on a 580 host
    [InlineData("libcuda.so.590.44.01", "1000.1.2", false)] // majors compare as numbers, not text ("1000" < "590")
    [InlineData("libcuda.so.580.95.05", "580.159.04", false)] // same major: the host driver serves
    [InlineData("libcuda.so.535.104.05", "580.159.04", false)] // older: the host driver serves
    public void Enable_CompatLibcuda_EnabledOnlyWhenNewerThanTheHostDriver(string libcuda, string hostDriver, bool enabled)
    {
        var rootfs = Rootfs(libcuda, "libcuda.so.1", "libnvidia-ptxjitcompiler.so.1");
        Assert.Equal(enabled, ContainerCudaCompat.Enable(rootfs, hostDriver));
        Assert.Equal(enabled ? "/usr/local/cuda/compat\n" : null, DropIn(rootfs));
    }

    [Fact]
    public void Enable_NoCompatFolder_LeavesTheContainerAlone()
    {
        var rootfs = Rootfs();
        Assert.False(ContainerCudaCompat.Enable(rootfs, "580.159.04"));
        Assert.Null(DropIn(rootfs));
    }

    [Fact]
    public void Enable_TwoCompatLibcudas_LeavesTheContainerAlone()
    {
        var rootfs = Rootfs("libcuda.so.590.44.01", "libcuda.so.595.1.2");
        Assert.False(ContainerCudaCompat.Enable(rootfs, "580.159.04"));
    }

    [Fact]
    public void Enable_DropInSortsAheadOfTheDriversOwn() =>
        Assert.True(string.CompareOrdinal(Path.GetFileName(ContainerCudaCompat.DropIn), Path.GetFileName(ContainerLdCache.DropIn)) < 0);

    [Fact]
    public void Enable_BadHostDriverVersion_IsAUsageError() =>
        Assert.Throws<UsageException>(() => ContainerCudaCompat.Enable(Rootfs(), "latest"));
}
