using System.CommandLine;
using Nvsdk.Cli.Output;
using Nvsdk.Core.Gpu.Doctor;
using Nvsdk.Core.Gpu.Host;
using Nvsdk.Core.LockFile;
using Spectre.Console;

namespace Nvsdk.Cli.Commands;

/// <summary>`nvsdk doctor`: diagnose the GPU stack; exit 0 healthy, 1 degraded, 2 broken.</summary>
internal static class DoctorCommand
{
    public static readonly Option<string?> HostRoot = new("--host-root")
    {
        Description = "Read host files (/proc, /sys, /dev, /etc) under this folder instead of / (tests, chroots)",
    };

    public static readonly Option<string?> FromSnapshot = new("--from-snapshot")
    {
        Description = "Diagnose a recorded snapshot instead of this host",
    };

    public static Command Create()
    {
        var record = new Option<string?>("--record") { Description = "Also write what was read (files, devices, NVML answers) to FILE, to replay with --from-snapshot" };
        var command = new Command("doctor", "Diagnose the GPU stack: driver, GPUs, persistence, device nodes, CDI, Docker, the SDK") { HostRoot, FromSnapshot, record };
        command.SetAction(result =>
        {
            var context = CliContext.From(result);
            var snapshot = Snapshot(context, result);
            if (result.GetValue(record) is { } file)
            {
                SnapshotFile.Write(file, snapshot);
            }

            var report = GpuDoctor.Examine(snapshot);
            Render(context, report);
            return (int)report.Verdict;
        });
        return command;
    }

    /// <summary>The host as doctor and status see it: replayed from a file, or read live.</summary>
    public static HostSnapshot Snapshot(CliContext context, ParseResult result)
    {
        if (result.GetValue(FromSnapshot) is { } file)
        {
            return SnapshotFile.Read(file);
        }

        var required = RequiredSdk(context);
        return HostProbe.Capture(result.GetValue(HostRoot) ?? "/", context.StoreRoot, required?.Cuda, requiredDriverVersion: required?.Driver);
    }

    /// <summary>The CUDA the SDK pins and the driver it wants (sdk.cuda, sdk.driver), when a lock is at hand; doctor works without one.</summary>
    public static (string Cuda, string? Driver)? RequiredSdk(CliContext context)
    {
        try
        {
            if (!File.Exists(context.LockPath))
            {
                return null;
            }

            var lockFile = LockFileParser.Load(context.LockPath);
            return (lockFile.CudaVersion, lockFile.DriverVersion);
        }
        catch (Core.Errors.LockFileException)
        {
            return null;
        }
    }

    private static void Render(CliContext context, DoctorReport report)
    {
        if (context.Json)
        {
            JsonOut.Write(report, GpuJsonContext.Default.DoctorReport);
            return;
        }

        foreach (var f in report.Findings.Where(f => context.Text || f.Status == FindingStatus.Fail))
        {
            var (mark, color) = f.Status switch
            {
                FindingStatus.Ok => ("ok  ", "green"),
                FindingStatus.Skip => ("skip", "grey"),
                FindingStatus.Warn => ("warn", "yellow"),
                _ => ("FAIL", "red"),
            };
            Stdout.Console.MarkupLine($"[{color}]{mark}[/] [bold]{Markup.Escape(f.Id)}[/]: {Markup.Escape(f.Message)}");
            if (f.Fix is not null)
            {
                Stdout.Console.MarkupLine($"     [grey]fix:[/] {Markup.Escape(f.Fix)}");
            }
        }

        if (context.Text)
        {
            var verdict = report.Verdict switch
            {
                DoctorVerdict.Healthy => "[green]healthy[/]",
                DoctorVerdict.Degraded => "[yellow]degraded[/]",
                _ => "[red]broken[/]",
            };
            Stdout.Console.MarkupLine($"{verdict}: {report.Findings.Count(f => f.Status == FindingStatus.Fail)} failed, {report.Findings.Count(f => f.Status == FindingStatus.Warn)} warnings, {report.Findings.Count(f => f.Status == FindingStatus.Ok)} ok");
        }
    }
}
