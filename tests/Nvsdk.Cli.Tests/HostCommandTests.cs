using System.Text.Json;
using Nvsdk.Testing;

namespace Nvsdk.Cli.Tests;

/// <summary>`nvsdk host plan|apply|rollback|status` on a fake root built from the real H100 capture.</summary>
public sealed class HostCommandTests : IDisposable
{
    private readonly TempDir temp = new();
    private readonly string root;

    public HostCommandTests()
    {
        root = FakeHostRoot.BuildH100(temp.Combine("root"));
        Directory.CreateDirectory(Path.Combine(root, "etc", "nvsdk"));
        File.Copy(Path.Combine(RepoPaths.Root, "examples", "server.toml"), Path.Combine(root, "etc", "nvsdk", "host.toml"));
    }

    public void Dispose() => temp.Dispose();

    private string Managed(string hostPath) => Path.Combine(root, hostPath.TrimStart('/'));

    [Fact]
    public async Task Plan_Json_ListsChangesAndWritesNothing()
    {
        var plan = await Nvsdk.RunAsync("host", "plan", "--root", root, "--json");
        Assert.True(plan.ExitCode == 0, plan.ToString());
        using var json = JsonDocument.Parse(plan.Stdout);
        var paths = json.RootElement.GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("path").GetString()).ToList();
        Assert.Contains("/etc/cdi/nvidia.yaml", paths);
        Assert.False(File.Exists(Managed("/etc/cdi/nvidia.yaml")));

        // Under --root nothing runs, and the plan says what that system must run to use the new unit.
        Assert.Empty(json.RootElement.GetProperty("commands").EnumerateArray());
        Assert.Contains(json.RootElement.GetProperty("afterApply").EnumerateArray(), h => h.GetString()!.Contains("systemctl daemon-reload && systemctl enable --now nvidia-persistenced.service", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApplyApplyRollback_EndsWhereItStarted()
    {
        var apply = await Nvsdk.RunAsync("host", "apply", "--root", root);
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.True(File.Exists(Managed("/etc/cdi/nvidia.yaml")));
        var again = await Nvsdk.RunAsync("host", "apply", "--root", root);
        Assert.Contains("nothing changed", again.Stdout, StringComparison.Ordinal);
        var status = await Nvsdk.RunAsync("host", "status", "--root", root);
        Assert.Equal(0, status.ExitCode);
        var rollback = await Nvsdk.RunAsync("host", "rollback", "--root", root);
        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        Assert.False(File.Exists(Managed("/etc/cdi/nvidia.yaml")));
    }

    [Fact]
    public async Task Status_Json_GenerationManagedFilesAndDrift()
    {
        Assert.Equal(0, (await Nvsdk.RunAsync("host", "apply", "--root", root)).ExitCode);
        await File.AppendAllTextAsync(Managed("/etc/cdi/nvidia.yaml"), "# edited\n");
        var status = await Nvsdk.RunAsync("--json", "host", "status", "--root", root);
        using var json = JsonDocument.Parse(status.Stdout);
        Assert.Equal(1, json.RootElement.GetProperty("generation").GetInt32());
        Assert.Contains("/etc/cdi/nvidia.yaml", json.RootElement.GetProperty("managedFiles").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal("/etc/cdi/nvidia.yaml", json.RootElement.GetProperty("drift")[0].GetProperty("path").GetString());
    }

    [Fact]
    public async Task Status_HandEdit_ReportsDriftAndExits1()
    {
        Assert.Equal(0, (await Nvsdk.RunAsync("host", "apply", "--root", root)).ExitCode);
        await File.AppendAllTextAsync(Managed("/etc/cdi/nvidia.yaml"), "# edited\n");
        var status = await Nvsdk.RunAsync("host", "status", "--root", root);
        Assert.Equal(1, status.ExitCode);
        Assert.Contains("drift /etc/cdi/nvidia.yaml", status.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_MisspeltOption_OneLineWithTheLineAndSuggestion()
    {
        await File.WriteAllTextAsync(Path.Combine(root, "etc", "nvsdk", "host.toml"), "enable = true\npersistenced = true\nsystemPackage = false\n");
        var plan = await Nvsdk.RunAsync("host", "plan", "--root", root);
        Assert.Equal(2, plan.ExitCode);
        Assert.Contains("host.toml:3", plan.Stderr, StringComparison.Ordinal);
        Assert.Contains("systemPackages", plan.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_KilledMidway_NextApplyFinishesTheGeneration()
    {
        var random = new Random(3);
        for (var round = 0; round < 5; round++)
        {
            using var process = Nvsdk.Start("host", "apply", "--root", root);
            await Task.Delay(random.Next(20, 250));
            if (!process.HasExited)
            {
                process.Kill();
            }

            await process.WaitForExitAsync();
        }

        var apply = await Nvsdk.RunAsync("host", "apply", "--root", root);
        Assert.True(apply.ExitCode == 0, apply.ToString());
        var status = await Nvsdk.RunAsync("host", "status", "--root", root);
        Assert.True(status.ExitCode == 0, status.ToString()); // every managed file is exactly the recorded generation
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(root, "etc", "cdi"), "*.tmp"));
    }
}
