using Nvsdk.Core.Primitives;
using Nvsdk.Core.Update;

namespace Nvsdk.Core.Tests.Update;

public class TensorRtTarTests
{
    [Theory]
    [InlineData("TensorRT-10.15.1.29.Linux.x86_64-gnu.cuda-13.1.tar.gz", "10.15.1.29", "x86_64-linux", 13, 1)]
    [InlineData("TensorRT-10.15.1.29.Linux.aarch64-gnu.cuda-13.1.tar.gz", "10.15.1.29", "aarch64-linux", 13, 1)]
    [InlineData("TensorRT-10.7.0.23.Linux.x86_64-gnu.cuda-12.6.tar.gz", "10.7.0.23", "x86_64-linux", 12, 6)]
    public void TryParse_LinuxTar_ReadsVersionSystemAndCuda(string name, string version, string system, int major, int minor)
    {
        Assert.True(TensorRtTar.TryParse(name, out var tar));
        Assert.Equal((Version.Parse(version), SystemId.Parse(system), major, minor, name), (tar.Version, tar.System, tar.CudaMajor, tar.CudaMinor, tar.FileName));
    }

    [Theory]
    [InlineData("TensorRT-10.15.1.29.l4t.aarch64-gnu.cuda-13.0.tar.gz")] // Jetson
    [InlineData("TensorRT-10.15.1.29.Windows.win10.cuda-13.1.zip")]
    [InlineData("TensorRT-8.6.1.6.Ubuntu-20.04.aarch64-gnu.cuda-12.0.tar.gz")]
    [InlineData("TensorRT-10.15.1.29.Linux.x86_64-gnu.cuda-13.1.tar.gz.sha256")]
    [InlineData("TensorRT-10.15.1.29.Linux.ppc64le-gnu.cuda-13.1.tar.gz")]
    [InlineData("../TensorRT-10.15.1.29.Linux.x86_64-gnu.cuda-13.1.tar.gz")]
    public void TryParse_NotALinuxServerTar_IsRefused(string name) =>
        Assert.False(TensorRtTar.TryParse(name, out _));
}
