using System.CommandLine;
using System.Globalization;
using Nvsdk.Cli.Output;
using Nvsdk.Core.Gpu.Cuda;
using Nvsdk.Core.Gpu.Host;
using Nvsdk.Core.Gpu.Nvml;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Nvsdk.Cli.Commands;

/// <summary>`nvsdk status` (one table per GPU) and `nvsdk top` (the same, refreshed live on a terminal).</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var command = new Command("status", "One table per GPU: name, UUID, bus, persistence, temperature, power, memory, utilisation, MIG, processes")
        {
            DoctorCommand.FromSnapshot,
        };
        command.SetAction(result =>
        {
            var context = CliContext.From(result);
            var nvml = result.GetValue(DoctorCommand.FromSnapshot) is { } file ? SnapshotFile.Read(file).Nvml : NvmlReader.Read(ProcessName);
            ThrowIfNoGpu(nvml);
            if (context.Json)
            {
                JsonOut.Write(new HostSnapshot { Nvml = nvml, RecordedAt = DateTimeOffset.UtcNow }, GpuJsonContext.Default.HostSnapshot);
            }
            else if (context.Text)
            {
                Stdout.Console.Write(Render(nvml));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command CreateTop()
    {
        var interval = new Option<double>("--interval", "-n") { Description = "Seconds between refreshes", DefaultValueFactory = _ => 1 };
        var command = new Command("top", "Live view of every GPU (what nvtop shows), refreshed until Ctrl-C") { interval };
        command.SetAction(async (result, ct) =>
        {
            var context = CliContext.From(result);
            var period = TimeSpan.FromSeconds(Math.Max(0.2, result.GetValue(interval)));
            ThrowIfNoGpu(NvmlReader.Read(ProcessName));
            StopSignals.StopIsSuccess = true; // Ctrl-C is how top ends
            if (!Stderr.Interactive || !context.Text)
            {
                Stdout.Console.Write(Render(NvmlReader.Read(ProcessName)));
                return ExitCodes.Ok;
            }

            await Stdout.Console.Live(Render(NvmlReader.Read(ProcessName))).StartAsync(async live =>
            {
                while (!ct.IsCancellationRequested)
                {
                    try
                    {
                        await Task.Delay(period, ct).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }

                    live.UpdateTarget(Render(NvmlReader.Read(ProcessName)));
                }
            }).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>status, top and smoke agree: no usable GPU is one line and exit 1 (doctor explains why).</summary>
    private static void ThrowIfNoGpu(NvmlReport nvml)
    {
        if (nvml.Error is { } error)
        {
            throw Core.Errors.GpuUnavailableException.NvmlUnusable(error);
        }
    }

    private static string? ProcessName(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static IRenderable Render(NvmlReport nvml)
    {
        if (nvml.Error is not null)
        {
            return new Markup($"[red]NVML: {Markup.Escape(nvml.Error)}[/] (run `nvsdk doctor` for what it means and the fix)\n");
        }

        var rows = new List<IRenderable>
        {
            new Markup($"driver {Markup.Escape(nvml.DriverVersion ?? "?")}, CUDA {Cuda(nvml.CudaDriverVersion)}, NVML {Markup.Escape(nvml.NvmlVersion ?? "?")}, {nvml.Gpus.Count} GPU(s)\n"),
        };
        foreach (var g in nvml.Gpus)
        {
            var table = new Table().Border(TableBorder.Rounded).Title($"GPU {g.Index}: {Markup.Escape(g.Name)}").AddColumns("", "");
            table.HideHeaders();
            void Row(string name, string value) => table.AddRow(name, Markup.Escape(value));
            Row("UUID", g.Uuid);
            Row("bus", g.BusId ?? "?");
            Row("architecture", g.ComputeCapabilityMajor is { } ma && g.ComputeCapabilityMinor is { } mi ? Architecture(new ComputeCapability(ma, mi)) : "?");
            Row("persistence", g.PersistenceMode switch { true => "on", false => "off", null => "n/a" });
            Row("temperature", g.TemperatureC is { } t ? $"{t} °C" : "n/a");
            Row("power", g.PowerW is { } p ? string.Create(CultureInfo.InvariantCulture, $"{p:0.0} W of {g.PowerLimitW:0} W") : "n/a");
            Row("memory", g.MemoryTotalBytes is { } total ? $"{Bytes.Human(g.MemoryUsedBytes)} used of {Bytes.Human(total)}" : "n/a");
            Row("utilisation", g.UtilizationGpu is { } u ? $"GPU {u} %, memory {g.UtilizationMemory} %" : "n/a");
            Row("MIG", g.MigEnabled switch { true => "enabled", false => "disabled", null => "n/a" });
            Row("ECC", g.EccEnabled switch { true => "on", false => "off", null => "n/a" });
            Row("processes", g.Processes.Count == 0 ? "none" : string.Join(", ", g.Processes.Select(p => $"{p.Pid} {p.Name} ({Bytes.Human(p.UsedMemoryBytes)})")));
            rows.Add(table);
        }

        return new Rows(rows);
    }

    /// <summary>"Hopper sm_90 (compute capability 9.0)": the name people know, and what nvcc and CMake take.</summary>
    private static string Architecture(ComputeCapability cc) => $"{cc.ArchitectureName} {cc.SmName} (compute capability {cc})";

    private static string Cuda(int? version) => version is { } v ? $"{v / 1000}.{v % 1000 / 10}" : "?";
}
