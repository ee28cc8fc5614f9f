using Nvsdk.Core.Host.Systemd;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Host.Systemd;

public class PersistencedUnitTests
{
    [Fact]
    public void Render_UsrBin_IsTheSeedsUnit()
    {
        Assert.Equal(
            """
            # managed by nvsdk: hand edits show up as drift and are replaced by the next apply
            [Unit]
            Description=NVIDIA Persistence Daemon

            [Service]
            Type=forking
            Restart=always
            PIDFile=/run/nvidia-persistenced/nvidia-persistenced.pid
            ExecStart=/usr/bin/nvidia-persistenced --persistence-mode --verbose
            ExecStopPost=/bin/rm -rf /run/nvidia-persistenced
            RuntimeDirectory=nvidia-persistenced

            [Install]
            WantedBy=multi-user.target

            """,
            PersistencedUnit.Render("/usr/bin/nvidia-persistenced"));
        Assert.Equal("/etc/systemd/system/nvidia-persistenced.service", PersistencedUnit.InstallPath);
    }

    [Fact]
    public void Render_SameBinary_ByteIdentical()
    {
        Assert.Equal(PersistencedUnit.Render("/usr/local/nvidia/bin/nvidia-persistenced"), PersistencedUnit.Render("/usr/local/nvidia/bin/nvidia-persistenced"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("nvidia-persistenced")]
    [InlineData("bin/nvidia-persistenced")]
    [InlineData("/opt/my nvidia/nvidia-persistenced")]
    [InlineData("/opt/100%/nvidia-persistenced")]
    [InlineData("/opt/$HOME/nvidia-persistenced")]
    [InlineData("/opt/\"q\"/nvidia-persistenced")]
    [InlineData("/opt/a\\b/nvidia-persistenced")]
    [InlineData("/opt/x\n/nvidia-persistenced")]
    public void Render_UnusableBinaryPath_ThrowsArgumentException(string binary)
    {
        Assert.Throws<ArgumentException>(() => PersistencedUnit.Render(binary));
    }

    /// <summary>
    /// systemd's own parser on the rendered unit. It needs no running systemd (fine in a container), but it
    /// checks the unit in isolation: that ExecStart's binary exists and is executable, every key and value
    /// parses, and the dependencies resolve. It cannot check that the daemon really forks and writes the PID
    /// file, nor that a real driver is there; that is for the opt-in GPU host tests.
    /// </summary>
    [SkippableFact]
    public async Task Render_SystemdAnalyzeVerify_Clean()
    {
        var analyze = ProcessRunner.Which("systemd-analyze");
        CiTools.SkipIf(analyze is null, "systemd-analyze is not installed (apt-get install systemd)");
        using var temp = new TempDir();
        var unit = WriteUnit(temp, PersistencedUnit.Render(FakeDaemon(temp)));

        var result = await Verify(analyze, unit);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("Unknown", result.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Failed", result.Stderr, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The check above only means something if verify does complain about a bad unit here.</summary>
    [SkippableTheory]
    [InlineData("Type=forking", "Typ=forking", "Unknown")]
    [InlineData("Type=forking", "Type=forked", "Failed")]
    public async Task SystemdAnalyzeVerify_BrokenUnit_Complains(string line, string broken, string complaint)
    {
        var analyze = ProcessRunner.Which("systemd-analyze");
        CiTools.SkipIf(analyze is null, "systemd-analyze is not installed (apt-get install systemd)");
        using var temp = new TempDir();
        var text = PersistencedUnit.Render(FakeDaemon(temp)).Replace(line, broken, StringComparison.Ordinal);
        var unit = WriteUnit(temp, text);

        var result = await Verify(analyze, unit);

        Assert.Contains(complaint, result.Stderr, StringComparison.OrdinalIgnoreCase);
    }

    [SkippableFact]
    public async Task SystemdAnalyzeVerify_MissingBinary_Fails()
    {
        var analyze = ProcessRunner.Which("systemd-analyze");
        CiTools.SkipIf(analyze is null, "systemd-analyze is not installed (apt-get install systemd)");
        using var temp = new TempDir();
        var unit = WriteUnit(temp, PersistencedUnit.Render(temp.Combine("absent", "nvidia-persistenced")));

        var result = await Verify(analyze, unit);

        Assert.True(result.ExitCode != 0, result.ToString());
    }

    private static string FakeDaemon(TempDir temp)
    {
        var path = temp.Combine("bin", "nvidia-persistenced");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "#!/bin/sh\nexit 0\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return path;
    }

    private static string WriteUnit(TempDir temp, string text)
    {
        var unit = temp.Combine(PersistencedUnit.FileName);
        File.WriteAllText(unit, text);
        return unit;
    }

    private static Task<ProcessResult> Verify(string analyze, string unit) =>
        ProcessRunner.RunAsync(
            analyze,
            ["verify", unit],
            environment: new Dictionary<string, string?> { ["SYSTEMD_LOG_COLOR"] = "0", ["SYSTEMD_PAGER"] = "cat" },
            timeout: TimeSpan.FromMinutes(1));
}
