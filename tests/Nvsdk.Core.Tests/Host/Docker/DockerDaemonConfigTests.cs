using Nvsdk.Core.Errors;
using Nvsdk.Core.Host.Docker;

namespace Nvsdk.Core.Tests.Host.Docker;

public class DockerDaemonConfigTests
{
    private const string CdiOnly = """
        {
          "features": {
            "cdi": true
          }
        }

        """;

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" \n\t\n")]
    [InlineData("\uFEFF")]
    public void EnableCdi_NoContent_WritesFeaturesCdiOnly(string? existing)
    {
        Assert.Equal(CdiOnly, DockerDaemonConfig.EnableCdi(existing));
    }

    [Fact]
    public void EnableCdi_ForeignKeys_KeptInOrderWithValuesAsWritten()
    {
        // Numbers keep their spelling (1.50, 1e3, a 20-digit integer), strings keep "+", "<", "&" and
        // non-ASCII text, nested objects and lists keep their order, "features" goes last.
        var existing = """
            {"log-driver":"json-file","log-opts":{"max-size":"100m","max-file":"3"},
             "registry-mirrors":["https://mirror.example/a+b?x=1&y=<2>"],"default-shm-size":"64M",
             "ratio":1.50,"big":12345678901234567890,"exp":1e3,"null-value":null,"flag":false,
             "label":"Grüße ✓","runtimes":{"nvidia":{"path":"nvidia-container-runtime","args":[]}},"empty":{}}
            """;

        var result = DockerDaemonConfig.EnableCdi(existing);

        Assert.Equal(
            """
            {
              "log-driver": "json-file",
              "log-opts": {
                "max-size": "100m",
                "max-file": "3"
              },
              "registry-mirrors": [
                "https://mirror.example/a+b?x=1&y=<2>"
              ],
              "default-shm-size": "64M",
              "ratio": 1.50,
              "big": 12345678901234567890,
              "exp": 1e3,
              "null-value": null,
              "flag": false,
              "label": "Grüße ✓",
              "runtimes": {
                "nvidia": {
                  "path": "nvidia-container-runtime",
                  "args": []
                }
              },
              "empty": {},
              "features": {
                "cdi": true
              }
            }

            """,
            result);
    }

    [Theory]
    [InlineData("""{"features":{"containerd-snapshotter":true},"debug":true}""", """{"features":{"containerd-snapshotter":true,"cdi":true},"debug":true}""")]
    [InlineData("""{"features":{"cdi":false,"buildkit":true}}""", """{"features":{"cdi":true,"buildkit":true}}""")]
    [InlineData("""{"features":{"cdi":"true"}}""", """{"features":{"cdi":true}}""")]
    [InlineData("""{"features":{"cdi":null}}""", """{"features":{"cdi":true}}""")]
    [InlineData("""{"features":{}}""", """{"features":{"cdi":true}}""")]
    public void EnableCdi_FeaturesPresent_CdiSetInPlaceOthersKept(string existing, string expectedCompact)
    {
        var result = DockerDaemonConfig.EnableCdi(existing);

        Assert.Equal(Indent(expectedCompact), result);
    }

    [Theory]
    [InlineData("""{"features":{"cdi":true}}""")]
    [InlineData("{ \"debug\" : true,\r\n\t\"features\" : { \"cdi\" : true } }")]
    [InlineData("\uFEFF{\"features\":{\"cdi\":true}}")]
    public void EnableCdi_AlreadyEnabled_ReturnsTheInputItself(string existing)
    {
        Assert.Same(existing, DockerDaemonConfig.EnableCdi(existing));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("""{"a":[1,2],"features":{"cdi":false}}""", null)]
    [InlineData("""{"a":1}""", "/opt/cdi")]
    [InlineData("""{"cdi-spec-dirs":["/etc/cdi"]}""", "/srv/cdi/")]
    public void EnableCdi_AppliedTwice_SecondIsNoOp(string? existing, string? specDir)
    {
        var first = DockerDaemonConfig.EnableCdi(existing, specDir);

        Assert.Same(first, DockerDaemonConfig.EnableCdi(first, specDir));
        Assert.True(DockerDaemonConfig.CdiEnabled(first));
    }

    [Theory]
    // No "cdi-spec-dirs": Docker's defaults already cover these, so nothing is added.
    [InlineData("/etc/cdi", null)]
    [InlineData("/etc/cdi/", null)]
    [InlineData("/var/run/cdi", null)]
    // No "cdi-spec-dirs": setting it replaces the defaults, so they are listed too.
    [InlineData("/opt/nvsdk/cdi", """["/etc/cdi","/var/run/cdi","/opt/nvsdk/cdi"]""")]
    public void EnableCdi_SpecDirWithoutList_AddsListOnlyWhenNeeded(string specDir, string? expectedList)
    {
        var result = DockerDaemonConfig.EnableCdi("""{"debug":true}""", specDir);

        var expected = expectedList is null
            ? """{"debug":true,"features":{"cdi":true}}"""
            : $$$"""{"debug":true,"features":{"cdi":true},"cdi-spec-dirs":{{{expectedList}}}}""";
        Assert.Equal(Indent(expected), result);
    }

    [Theory]
    [InlineData("""["/etc/cdi/","/opt/cdi"]""", "/opt/cdi", """["/etc/cdi/","/opt/cdi"]""")]
    [InlineData("""["/etc/cdi/","/opt/cdi"]""", "/opt/cdi/", """["/etc/cdi/","/opt/cdi"]""")]
    [InlineData("""["/etc/cdi/"]""", "/opt/cdi", """["/etc/cdi/","/opt/cdi"]""")]
    [InlineData("[]", "/etc/cdi", """["/etc/cdi"]""")]
    public void EnableCdi_SpecDirWithList_AppendedUnlessListed(string list, string specDir, string expectedList)
    {
        var existing = $$$"""{"cdi-spec-dirs":{{{list}}},"features":{"cdi":true}}""";

        var result = DockerDaemonConfig.EnableCdi(existing, specDir);

        if (list == expectedList)
        {
            Assert.Same(existing, result);
        }
        else
        {
            Assert.Equal(Indent($$$"""{"cdi-spec-dirs":{{{expectedList}}},"features":{"cdi":true}}"""), result);
        }
    }

    [Theory]
    [InlineData("{\n  \"debug\": true,\n}", 3, 1)]
    [InlineData("{\n  // comment\n  \"debug\": true\n}", 2, 3)]
    [InlineData("{\"debug\": tru}", 1, 14)]
    [InlineData("{\n  \"debug\": true", 2, 16)]
    [InlineData("{} {}", 1, 4)]
    public void EnableCdi_InvalidJson_ThrowsInvalidInputNamingLineAndColumn(string existing, int line, int column)
    {
        var e = Assert.Throws<NvsdkException>(() => DockerDaemonConfig.EnableCdi(existing));

        Assert.Equal(ErrorCode.InvalidInput, e.Code);
        Assert.IsAssignableFrom<System.Text.Json.JsonException>(e.InnerException);
        Assert.True(e.Message.Contains($"line {line}, column {column}", StringComparison.Ordinal), e.Message);
        Assert.Contains("left untouched", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"features\"")]
    [InlineData("null")]
    [InlineData("""{"features":true}""")]
    [InlineData("""{"features":["cdi"]}""")]
    [InlineData("""{"features":null}""")]
    [InlineData("""{"debug":true,"debug":false}""")]
    [InlineData("""{"features":{"cdi":false,"cdi":true}}""")]
    [InlineData("""{"log-opts":{"max-size":"1m","max-size":"2m"}}""")]
    [InlineData("""{"runtimes":[{"a":{"b":1,"b":2}}]}""")]
    public void EnableCdi_WrongShape_ThrowsInvalidInput(string existing)
    {
        var e = Assert.Throws<NvsdkException>(() => DockerDaemonConfig.EnableCdi(existing));

        Assert.Equal(ErrorCode.InvalidInput, e.Code);
        Assert.Contains("left untouched", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"cdi-spec-dirs":"/etc/cdi"}""")]
    [InlineData("""{"cdi-spec-dirs":{"a":"/etc/cdi"}}""")]
    public void EnableCdi_SpecDirsNotAList_ThrowsInvalidInput(string existing)
    {
        var e = Assert.Throws<NvsdkException>(() => DockerDaemonConfig.EnableCdi(existing, "/opt/cdi"));

        Assert.Equal(ErrorCode.InvalidInput, e.Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("relative/cdi")]
    public void EnableCdi_RelativeSpecDir_ThrowsArgumentException(string specDir)
    {
        Assert.Throws<ArgumentException>(() => DockerDaemonConfig.EnableCdi(null, specDir));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("{}", null)]
    [InlineData("""{"features":{}}""", null)]
    [InlineData("""{"features":{"buildkit":true}}""", null)]
    [InlineData("""{"features":{"cdi":true}}""", true)]
    [InlineData("""{"features":{"cdi":false}}""", false)]
    [InlineData("\uFEFF{\"features\":{\"cdi\":true}}", true)]
    public void CdiEnabled_File_ReportsExplicitSettingOrNull(string? json, bool? expected)
    {
        Assert.Equal(expected, DockerDaemonConfig.CdiEnabled(json));
    }

    [Theory]
    [InlineData("{")]
    [InlineData("""{"features":"cdi"}""")]
    [InlineData("""{"features":{"cdi":"yes"}}""")]
    [InlineData("""{"features":{"cdi":null}}""")]
    public void CdiEnabled_Unreadable_ThrowsInvalidInput(string json)
    {
        var e = Assert.Throws<NvsdkException>(() => DockerDaemonConfig.CdiEnabled(json));

        Assert.Equal(ErrorCode.InvalidInput, e.Code);
    }

    /// <summary>The expected output for a compact literal: two-space indentation and a final newline.</summary>
    private static string Indent(string compact)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(compact)!;
        var options = new System.Text.Json.JsonWriterOptions
        {
            Indented = true,
            NewLine = "\n",
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer, options))
        {
            node.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
