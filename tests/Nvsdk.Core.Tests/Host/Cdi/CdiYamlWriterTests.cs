using Nvsdk.Core.Host.Cdi;

namespace Nvsdk.Core.Tests.Host.Cdi;

public class CdiYamlWriterTests
{
    [Theory]
    [InlineData("/usr/local/nvidia/lib64/libcuda.so.580.159.04", "/usr/local/nvidia/lib64/libcuda.so.580.159.04")]
    [InlineData("GPU-36c53bbd-eec4-7024-37cf-e640a0418ab2", "GPU-36c53bbd-eec4-7024-37cf-e640a0418ab2")]
    [InlineData("NVIDIA_VISIBLE_DEVICES=void", "NVIDIA_VISIBLE_DEVICES=void")]
    [InlineData("0", "\"0\"")]
    [InlineData("0.6.0", "\"0.6.0\"")]
    [InlineData("2001-12-14", "\"2001-12-14\"")]
    [InlineData("--folder", "--folder")]
    [InlineData("-1", "\"-1\"")]
    [InlineData("-", "\"-\"")]
    [InlineData("- a", "\"- a\"")]
    [InlineData("yes", "\"yes\"")]
    [InlineData("Null", "\"Null\"")]
    [InlineData("", "\"\"")]
    [InlineData("a: b", "\"a: b\"")]
    [InlineData("x #y", "\"x #y\"")]
    [InlineData("say \"hi\"\\\n", "\"say \\\"hi\\\"\\\\\\n\"")]
    public void Scalar_Value_IsPlainOnlyWhenUnambiguous(string value, string expected) =>
        Assert.Equal(expected, CdiYamlWriter.Scalar(value));

    [Fact]
    public void Write_DeviceWithoutEdits_WritesAnEmptyMapping()
    {
        var spec = new CdiSpec("0.6.0", "nvidia.com/gpu", [new CdiDevice("all", CdiContainerEdits.Empty)], CdiContainerEdits.Empty);
        Assert.Equal("# h\n---\ncdiVersion: \"0.6.0\"\nkind: nvidia.com/gpu\ndevices:\n- name: all\n  containerEdits: {}\n", CdiYamlWriter.Write(spec, ["h"]));
    }
}
