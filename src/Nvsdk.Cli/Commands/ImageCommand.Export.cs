using System.CommandLine;
using Nvsdk.Cli.Output;
using Nvsdk.Core.Store;
using Spectre.Console;

namespace Nvsdk.Cli.Commands;

/// <summary>
/// `nvsdk image export REF DIR`: the image pulled into the store if needed, then its layers applied in order
/// into a new folder as `crane export` does (whiteouts and opaque folders honoured, links kept inside).
/// </summary>
internal static partial class ImageCommand
{
    private static Command Export()
    {
        var reference = new Argument<string>("reference") { Description = "registry/repository:tag or registry/repository@sha256:…" };
        var directory = new Argument<string>("directory") { Description = "A new (or empty) folder for the image's file system" };
        var platform = PlatformOption();
        var jobs = JobsOption();
        var command = new Command("export", "Write an image's file system, layers applied in order (crane export semantics), into a new folder");
        command.Add(reference);
        command.Add(directory);
        command.Add(platform);
        command.Add(jobs);
        command.SetAction(async (result, ct) =>
        {
            var context = CliContext.From(result);
            var destination = result.GetValue(directory)!;
            NvsdkStore.CheckExportDestination(destination); // before a long pull, not after it
            var (_, pulled) = await PullAsync(result, context, reference, platform, jobs, ct).ConfigureAwait(false);
            var exported = await NvsdkStore.ExportImageAsync(pulled.EntryPath, destination, ct).ConfigureAwait(false);
            var skipped = exported.Skipped.Select(s => s.ToString()).ToList();
            if (context.Json)
            {
                JsonOut.Write(
                    new JsonImageExport(pulled.Record.Source, $"sha256:{pulled.Record.Sha256}", Path.GetFullPath(destination), exported.Manifest.Count, exported.Manifest.TotalBytes, skipped),
                    OciCliJsonContext.Default.JsonImageExport);
            }
            else if (context.Text)
            {
                foreach (var s in skipped)
                {
                    Stdout.Console.MarkupLine($"[yellow]skipped[/] {Markup.Escape(s)}");
                }

                Stdout.Console.MarkupLine($"[green]exported[/] {Markup.Escape(pulled.Record.Source)} to {Markup.Escape(Path.GetFullPath(destination))}: {exported.Manifest.Count} entries, {Bytes.Human(exported.Manifest.TotalBytes)}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
