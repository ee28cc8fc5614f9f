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
        var keepSetId = new Option<bool>("--keep-setid")
        {
            Description = "Keep the setuid/setgid bits (without it they are taken off and listed: the tree belongs to whoever exports it)",
        };
        var command = new Command(
            "export",
            "Write an image's file system, layers applied in order (crane export semantics), into a new folder. Permission bits, "
            + "the sticky bit and mtimes are kept as the layers record them (a 1777 /tmp stays 1777; .pyc caches and make compare "
            + "mtimes); owners are not (the tree belongs to whoever exports it); setuid/setgid only with --keep-setid; device "
            + "nodes and FIFOs are listed, not written");
        command.Add(reference);
        command.Add(directory);
        command.Add(platform);
        command.Add(jobs);
        command.Add(keepSetId);
        command.SetAction(async (result, ct) =>
        {
            var context = CliContext.From(result);
            var destination = result.GetValue(directory)!;
            NvsdkStore.CheckExportDestination(destination); // before a long pull, not after it
            var (_, pulled) = await PullAsync(result, context, reference, platform, jobs, ct).ConfigureAwait(false);
            var exported = await NvsdkStore.ExportImageAsync(pulled.EntryPath, destination, result.GetValue(keepSetId), ct).ConfigureAwait(false);
            if (context.Json)
            {
                JsonOut.Write(
                    new JsonImageExport(
                        pulled.Record.Source,
                        $"sha256:{pulled.Record.Sha256}",
                        Path.GetFullPath(destination),
                        exported.Manifest.Count,
                        exported.Manifest.TotalBytes,
                        [.. exported.Skipped.Select(s => new JsonSkippedEntry(s.Path, s.Kind, s.Reason, $"sha256:{s.Layer.Hex}"))],
                        [.. exported.Stripped.Select(s => new JsonStrippedSetId(s.Path, Octal(s.Mode), Octal(s.Written)))]),
                    OciCliJsonContext.Default.JsonImageExport);
            }
            else if (context.Text)
            {
                foreach (var s in exported.Skipped)
                {
                    Stdout.Console.MarkupLine($"[yellow]skipped[/] {Markup.Escape(s.Path)}: {s.Kind}; {Markup.Escape(s.Reason)}");
                }

                foreach (var s in exported.Stripped)
                {
                    Stdout.Console.MarkupLine($"[yellow]no {s.Bits}[/] {Markup.Escape(s.Path)}: written {Octal(s.Written)}, not {Octal(s.Mode)} (--keep-setid keeps it)");
                }

                Stdout.Console.MarkupLine($"[green]exported[/] {Markup.Escape(pulled.Record.Source)} to {Markup.Escape(Path.GetFullPath(destination))}: {exported.Manifest.Count} entries, {Bytes.Human(exported.Manifest.TotalBytes)}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A mode as chmod takes it: "4755", "1777", "0644".</summary>
    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');
}
