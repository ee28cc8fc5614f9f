using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Tests.Primitives;

public sealed class ComponentIdTests
{
    [Theory]
    [InlineData("cuda")]
    [InlineData("cudnn")]
    [InlineData("cuda_nvcc")]
    [InlineData("nsight-compute")]
    [InlineData("cu12")]
    [InlineData("a")]
    [InlineData("a-_9")]
    public void Parse_ValidName_KeepsName(string text)
    {
        var id = ComponentId.Parse(text);

        Assert.Equal(text, id.Name);
        Assert.Equal(text, id.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("Cuda")]
    [InlineData("CUDNN")]
    [InlineData("1cuda")]
    [InlineData("-cuda")]
    [InlineData("_cuda")]
    [InlineData("cu da")]
    [InlineData("cuda.nvcc")]
    [InlineData("cuda/nvcc")]
    [InlineData("cüda")]
    [InlineData(" cuda")]
    public void TryParse_InvalidName_ReturnsFalse(string? text)
    {
        Assert.False(ComponentId.TryParse(text, out var id));
        Assert.Equal(default, id);
    }

    [Theory]
    [InlineData("Cuda")]
    [InlineData("1cuda")]
    [InlineData("")]
    public void Parse_InvalidName_ThrowsFormatException(string text) =>
        Assert.Throws<FormatException>(() => ComponentId.Parse(text));

    [Theory]
    [InlineData(64, true)]
    [InlineData(65, false)]
    public void TryParse_LongName_AcceptsUpTo64Characters(int length, bool expected) =>
        Assert.Equal(expected, ComponentId.TryParse(new string('a', length), out _));

    [Fact]
    public void Parse_SameName_IdsAreEqual()
    {
        Assert.Equal(ComponentId.Parse("cudnn"), ComponentId.Parse("cudnn"));
        Assert.NotEqual(ComponentId.Parse("cudnn"), ComponentId.Parse("cuda"));
    }

    [Fact]
    public void ToString_Default_IsEmpty() => Assert.Equal(string.Empty, default(ComponentId).ToString());
}
