using System.Runtime.InteropServices;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Tests.Primitives;

public sealed class SystemIdTests
{
    [Theory]
    [InlineData("x86_64-linux")]
    [InlineData("aarch64-linux")]
    public void Parse_SupportedSystem_RoundTripsName(string text)
    {
        var system = SystemId.Parse(text);

        Assert.Equal(text, system.Name);
        Assert.Equal(text, system.ToString());
    }

    [Fact]
    public void Parse_SupportedSystems_ReturnWellKnownInstances()
    {
        Assert.Equal(SystemId.X86_64Linux, SystemId.Parse("x86_64-linux"));
        Assert.Equal(SystemId.Aarch64Linux, SystemId.Parse("aarch64-linux"));
        Assert.NotEqual(SystemId.X86_64Linux, SystemId.Aarch64Linux);
    }

    [Theory]
    [InlineData("x86_64")]
    [InlineData("aarch64")]
    [InlineData("linux-sbsa")]
    [InlineData("linux-x86_64")]
    [InlineData("X86_64-LINUX")]
    [InlineData("x86_64-linux ")]
    [InlineData("aarch64-darwin")]
    [InlineData("arm64-linux")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_UnsupportedSystem_ReturnsFalse(string? text)
    {
        Assert.False(SystemId.TryParse(text, out var system));
        Assert.Equal(default, system);
    }

    [Theory]
    [InlineData("x86_64")]
    [InlineData("linux-sbsa")]
    public void Parse_UnsupportedSystem_ThrowsFormatException(string text) =>
        Assert.Throws<FormatException>(() => SystemId.Parse(text));

    [Theory]
    [InlineData("x86_64-linux", "linux-x86_64")]
    [InlineData("aarch64-linux", "linux-sbsa")]
    public void NvidiaPlatform_SupportedSystem_IsRedistribPlatformName(string system, string platform) =>
        Assert.Equal(platform, SystemId.Parse(system).NvidiaPlatform);

    [Fact]
    public void All_Always_ListsX86ThenAarch64() =>
        Assert.Equal([SystemId.X86_64Linux, SystemId.Aarch64Linux], SystemId.All);

    [Fact]
    public void Host_OnSupportedArchitecture_MatchesProcessArchitecture()
    {
        SystemId? expected = RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => SystemId.X86_64Linux,
            Architecture.Arm64 => SystemId.Aarch64Linux,
            _ => null,
        };

        Assert.Equal(expected, SystemId.Host);
    }
}
