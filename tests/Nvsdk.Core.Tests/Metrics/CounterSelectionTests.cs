using Nvsdk.Core.Errors;
using Nvsdk.Core.Metrics;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Metrics;

/// <summary>dcgm-exporter's counters CSV (`--collectors FILE`), as its etc/default-counters.csv writes it.</summary>
public class CounterSelectionTests
{
    private const string DcgmExporterStyle = """
        # Format
        # If line starts with a '#' it is considered a comment
        # DCGM FIELD, Prometheus metric type, help message

        # Clocks
        DCGM_FI_DEV_SM_CLOCK,  gauge, SM clock frequency (in MHz).
        DCGM_FI_DEV_MEM_CLOCK, gauge, Memory clock frequency (in MHz).
        # DCGM_FI_DEV_FAN_SPEED, gauge, Fan speed (in 0-100%).
        DCGM_FI_DEV_XID_ERRORS, gauge, Value of the last XID error encountered.
        DCGM_FI_PROF_PIPE_TENSOR_ACTIVE, gauge, Ratio of cycles the tensor (HMMA) pipe is active (in %).
        DCGM_FI_DRIVER_VERSION, label, Driver Version
        """;

    [Fact]
    public void Parse_DcgmExporterFile_NamesWithoutComments()
    {
        var selection = CounterSelection.Parse(DcgmExporterStyle, "default-counters.csv");
        Assert.Equal(
            ["DCGM_FI_DEV_MEM_CLOCK", "DCGM_FI_DEV_SM_CLOCK", "DCGM_FI_DEV_XID_ERRORS", "DCGM_FI_DRIVER_VERSION", "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE"],
            selection.Names.Order(StringComparer.Ordinal));
        Assert.False(selection.Includes("DCGM_FI_DEV_FAN_SPEED"));
    }

    [Theory]
    [InlineData("DCGM_FI_DEV_SM_CLOCK gauge SM clock")] // not comma-separated
    [InlineData("DCGM_FI_DEV_SM_CLOCK, gauges, SM clock")] // unknown type
    [InlineData("SM_CLOCK, gauge, SM clock")] // not a DCGM field name
    [InlineData("DCGM_FI_DEV_SM_CLOCK, gauge")] // no help column
    public void Parse_MalformedLine_UsageErrorNamingFileAndLine(string line)
    {
        var e = Assert.Throws<UsageException>(() => CounterSelection.Parse("# ok\n" + line + "\n", "c.csv"));
        Assert.StartsWith("c.csv:2: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_UsageError()
    {
        using var temp = new TempDir();
        Assert.Throws<UsageException>(() => CounterSelection.Load(temp.Combine("absent.csv")));
    }
}
