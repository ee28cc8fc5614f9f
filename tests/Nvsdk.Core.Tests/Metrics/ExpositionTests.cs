using Nvsdk.Core.Metrics;

namespace Nvsdk.Core.Tests.Metrics;

public class ExpositionTests
{
    [Fact]
    public void ToString_SamplesAddedInterleaved_HelpAndTypeOncePerFamilyBeforeItsSamples()
    {
        var e = new Exposition();
        var temp = e.Gauge("gpu_temp", "Temperature.");
        var energy = e.Counter("energy_total", "Energy.");
        temp.Add(30, ("gpu", "0"));
        energy.Add(5, ("gpu", "0"));
        temp.Add(31, ("gpu", "1"));
        e.Gauge("gpu_temp", "Temperature.").Add(32, ("gpu", "2"));

        Assert.Equal(
            "# HELP gpu_temp Temperature.\n# TYPE gpu_temp gauge\ngpu_temp{gpu=\"0\"} 30\ngpu_temp{gpu=\"1\"} 31\ngpu_temp{gpu=\"2\"} 32\n"
            + "# HELP energy_total Energy.\n# TYPE energy_total counter\nenergy_total{gpu=\"0\"} 5\n",
            e.ToString());
    }

    [Fact]
    public void ToString_FamilyWithoutSamples_IsLeftOut()
    {
        var e = new Exposition();
        e.Gauge("empty", "Nothing.");
        e.Gauge("one", "One.").Add(1);
        Assert.Equal("# HELP one One.\n# TYPE one gauge\none 1\n", e.ToString());
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a\"b", "a\\\"b")]
    [InlineData("a\\b", "a\\\\b")]
    [InlineData("a\nb", "a\\nb")]
    [InlineData("\\\"\n", "\\\\\\\"\\n")]
    [InlineData("NVIDIA H100 80GB HBM3", "NVIDIA H100 80GB HBM3")]
    public void EscapeLabelValue_TextFormatRules(string value, string expected) =>
        Assert.Equal(expected, Exposition.EscapeLabelValue(value));

    [Fact]
    public void EscapeHelp_EscapesBackslashAndNewlineButNotQuotes() =>
        Assert.Equal("a \\\\ \"q\"\\nb", Exposition.EscapeHelp("a \\ \"q\"\nb"));

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(123.774, "123.774")]
    [InlineData(85520809984.0, "85520809984")]
    [InlineData(1e-7, "1E-07")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    public void FormatValue_GoFloatSyntax(double value, string expected) =>
        Assert.Equal(expected, Exposition.FormatValue(value));

    [Fact]
    public void Add_LabelValueWithQuoteAndNewline_IsEscapedInOutput()
    {
        var e = new Exposition();
        e.Gauge("m", "h").Add(1, ("model", "A \"B\"\nC"));
        Assert.Contains("m{model=\"A \\\"B\\\"\\nC\"} 1\n", e.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1abc")]
    [InlineData("has-dash")]
    [InlineData("")]
    [InlineData("sp ace")]
    public void Family_InvalidName_Throws(string name) =>
        Assert.Throws<ArgumentException>(() => new Exposition().Gauge(name, "h"));

    [Theory]
    [InlineData("__reserved")]
    [InlineData("a:b")]
    [InlineData("1x")]
    public void Add_InvalidLabelName_Throws(string label) =>
        Assert.Throws<ArgumentException>(() => new Exposition().Gauge("m", "h").Add(1, (label, "v")));

    [Fact]
    public void Add_SameLabelsTwice_Throws()
    {
        var family = new Exposition().Gauge("m", "h").Add(1, ("a", "1"), ("b", "2"));
        Assert.Throws<InvalidOperationException>(() => family.Add(2, ("b", "2"), ("a", "1")));
    }

    [Fact]
    public void Add_LabelNameTwice_Throws() =>
        Assert.Throws<ArgumentException>(() => new Exposition().Gauge("m", "h").Add(1, ("a", "1"), ("a", "2")));

    [Fact]
    public void Add_NegativeCounter_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new Exposition().Counter("c_total", "h").Add(-1));

    [Fact]
    public void Family_SameNameOtherType_Throws()
    {
        var e = new Exposition();
        e.Gauge("m", "h");
        Assert.Throws<InvalidOperationException>(() => e.Counter("m", "h"));
    }

    [Fact]
    public void AddIfPresent_Null_AddsNothing()
    {
        var e = new Exposition();
        e.Gauge("m", "h").AddIfPresent(null, ("gpu", "0"));
        Assert.Equal(string.Empty, e.ToString());
    }
}
