using System.CommandLine;
using System.Globalization;
using Nvsdk.Cli.Output;
using Nvsdk.Core.Gpu.Cuda;
using Spectre.Console;

namespace Nvsdk.Cli.Commands;

/// <summary>
/// `nvsdk smoke`: compile a kernel with NVRTC, run it on each GPU through the driver API, check every element,
/// measure device-to-device copy bandwidth. Exit 0 when every GPU passed, 1 when one failed, 2 when libcuda or
/// libnvrtc is missing or the driver will not start (a <see cref="Core.Errors.GpuUnavailableException"/>).
/// </summary>
internal static class SmokeCommand
{
    public static Command Create()
    {
        var device = new Option<int?>("--device", "-d") { Description = "Test only this GPU (its CUDA ordinal); default: every GPU" };
        var command = new Command("smoke", "Prove the GPUs work: NVRTC-compile a kernel, run and check it on each GPU, measure copy bandwidth")
        {
            device,
        };
        command.SetAction(async (result, ct) =>
        {
            var context = CliContext.From(result);
            var options = new SmokeOptions { StoreRoot = context.StoreRoot, Device = result.GetValue(device) };
            var smoke = await GpuSmokeTest.RunAsync(options, ct).ConfigureAwait(false);
            Render(context, smoke);
            return smoke.Passed ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private static void Render(CliContext context, SmokeResult smoke)
    {
        if (context.Json)
        {
            JsonOut.Write(JsonSmoke.From(smoke), SmokeJsonContext.Default.JsonSmoke);
            return;
        }

        if (!context.Text)
        {
            // --quiet: only what failed.
            foreach (var gpu in smoke.Gpus.Where(g => !g.Passed))
            {
                Stderr.Console.MarkupLine($"[red]GPU {gpu.Index} FAILED[/] {Markup.Escape(gpu.Name)}: {Markup.Escape(Failure(gpu))}");
            }

            return;
        }

        var console = Stdout.Console;
        foreach (var gpu in smoke.Gpus)
        {
            console.MarkupLine($"[bold]GPU {gpu.Index}[/]  {Markup.Escape(gpu.Name)}  [grey]{Markup.Escape(gpu.PciBusId ?? string.Empty)}[/]");
            Line(console, "compute", $"{gpu.ComputeCapability} (sm_{gpu.ComputeCapability.Sm}), {gpu.Multiprocessors} SMs");
            Line(console, "memory", Memory(gpu));
            Line(console, "kernel", Kernel(gpu));
            Line(console, "copy d2d", Copy(gpu));
            if (gpu.Error is not null)
            {
                console.MarkupLine($"  {"error",-10}[red]{Markup.Escape(gpu.Error)}[/]");
            }

            console.MarkupLine(gpu.Passed ? $"  {"verdict",-10}[green]passed[/]" : $"  {"verdict",-10}[red]FAILED[/]");
        }

        console.MarkupLine(Markup.Escape(Invariant($"driver supports CUDA {smoke.DriverCudaVersion} ({smoke.CudaLibrary}); NVRTC {smoke.NvrtcVersion} ({smoke.NvrtcLibrary})")));
        var passed = smoke.Gpus.Count(g => g.Passed);
        console.MarkupLine(smoke.Passed
            ? $"[green]smoke passed[/]: {passed} of {smoke.Gpus.Count} GPU(s)"
            : $"[red]smoke failed[/]: {passed} of {smoke.Gpus.Count} GPU(s) passed");
    }

    private static void Line(IAnsiConsole console, string label, string value) =>
        console.MarkupLine($"  {label,-10}{Markup.Escape(value)}");

    private static string Memory(SmokeGpuResult gpu)
    {
        var total = Bytes.Human(gpu.TotalMemoryBytes);
        return gpu.MemoryClockKhz > 0 && gpu.MemoryBusWidthBits > 0
            ? Invariant($"{total}, {gpu.MemoryBusWidthBits}-bit bus at {gpu.MemoryClockKhz / 1000.0:0} MHz")
            : total;
    }

    private static string Kernel(SmokeGpuResult gpu) => gpu.Mismatches switch
    {
        null => gpu.KernelTarget is null ? "not run" : $"not run ({gpu.KernelTarget})",
        0 => Invariant($"saxpy over {gpu.KernelElements:N0} floats: every element correct ({gpu.KernelTarget})"),
        { } bad => Invariant($"saxpy over {gpu.KernelElements:N0} floats: {bad:N0} wrong, first at index {gpu.FirstMismatch} ({gpu.KernelTarget})"),
    };

    private static string Copy(SmokeGpuResult gpu)
    {
        if (gpu.CopyBandwidth is not { } bandwidth)
        {
            return "not measured";
        }

        var runs = Invariant($"best of {gpu.CopyRuns} × {Bytes.Human(gpu.CopyBytes)}");
        return gpu.PeakBandwidth is { } peak
            ? Invariant($"{bandwidth / 1e9:N1} GB/s = {bandwidth / peak * 100:0}% of the {peak / 1e9:N1} GB/s peak (read + write, {runs})")
            : Invariant($"{bandwidth / 1e9:N1} GB/s (read + write, {runs}; peak unknown)");
    }

    private static string Failure(SmokeGpuResult gpu) =>
        gpu.Error ?? (gpu.Mismatches is > 0 ? Invariant($"{gpu.Mismatches} wrong results") : "no bandwidth measured");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
