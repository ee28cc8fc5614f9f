using Nvsdk.Core.Errors;
using Nvsdk.Core.Host.Config;

namespace Nvsdk.Core.Tests.Host;

public class HostConfigParserTests
{
    [Fact]
    public void Parse_Empty_GivesTheSeedDefaults()
    {
        var config = HostConfigParser.Parse("h.toml", string.Empty);
        Assert.Equal(new HostConfig(), config);
        Assert.False(config.Enable);
        Assert.True(config.SystemPackages && config.Monitoring && config.Persistenced && config.ContainerEnable && config.DriverOpen);
        Assert.Equal("latest", config.DriverPackage);
    }

    [Fact]
    public void Parse_TablesAndDottedKeys_Agree()
    {
        var tables = HostConfigParser.Parse("h.toml", "enable = true\n[driver]\npackage = \"590\" # branch\nopen = false\n[container]\nenable = false\n");
        var dotted = HostConfigParser.Parse("h.toml", "enable = true\ndriver.package = \"590\"\ndriver.open = false\ncontainer.enable = false\n");
        Assert.Equal(tables, dotted);
        Assert.Equal("590", tables.DriverPackage);
        Assert.False(tables.DriverOpen);
    }

    [Theory]
    [InlineData("enable = true\nsystemPackage = true\n", "h.toml:2", "systemPackages")]
    [InlineData("enable = yes\n", "h.toml:1", "true or false")]
    [InlineData("[driver]\npackage = 590\n", "h.toml:2", "quoted string")]
    [InlineData("[driver]\npackage = \"five-ninety\"\n", "h.toml:2", "branch")]
    [InlineData("[drivers]\n", "h.toml:1", "[driver]")]
    [InlineData("enable = true\nenable = false\n", "h.toml:2", "twice")]
    [InlineData("just words\n", "h.toml:1", "key = value")]
    [InlineData("[driver]\nopen = true\n[driver]\npackage = \"590\"\n", "h.toml:3", "TOML")]
    [InlineData("driver = { open = \"yes\" }\n", "h.toml:1", "true or false")]
    public void Parse_Mistake_NamesTheLineAndTheFix(string toml, string where, string mention)
    {
        var e = Assert.Throws<UsageException>(() => HostConfigParser.Parse("h.toml", toml));
        Assert.StartsWith(where + ":", e.Message, StringComparison.Ordinal);
        Assert.Contains(mention, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LiteralStringsAndInlineTables_AreTomlToo()
    {
        var tables = HostConfigParser.Parse("h.toml", "[driver]\npackage = \"590\"\nopen = false\n");
        Assert.Equal(tables, HostConfigParser.Parse("h.toml", "[driver]\npackage = '590'\nopen = false\n"));
        Assert.Equal(tables, HostConfigParser.Parse("h.toml", "driver = { package = \"590\", open = false }\n"));
    }
}
