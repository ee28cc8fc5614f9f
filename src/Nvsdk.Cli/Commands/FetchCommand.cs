using System.CommandLine;
using Nvsdk.Cli.Output;
using Nvsdk.Core.Fetch;
using Nvsdk.Core.Plan;
using Nvsdk.Core.Store;
using Spectre.Console;

namespace Nvsdk.Cli.Commands;

/// <summary>`nvsdk fetch`: download, verify and store the artifacts of the named components (default: all).</summary>
internal static class FetchCommand
{
    public static Command Create()
    {
        var input = new FetchOptionsBinder("fetch");
        var command = new Command("fetch", "Download, verify (sha256 while streaming) and store artifacts; resumes partial downloads");
        input.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            var context = CliContext.From(result);
            // Validate everything before the store is touched: a bad request writes nothing.
            var (_, selection, options) = input.Select(result, context);
            var store = NvsdkStore.Open(context.StoreRoot);
            var summary = await FetchProgressView.RunAsync(
                context,
                report => FetchRunner.RunAsync(selection.Artifacts, store, options, report, cancellationToken: ct)).ConfigureAwait(false);
            Render(context, selection, store, summary);
            return summary.AllSucceeded ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private static void Render(CliContext context, Selection selection, NvsdkStore store, FetchSummary summary)
    {
        if (context.Json)
        {
            JsonOut.Write(
                new JsonFetch(
                    selection.System.Name,
                    store.Layout.Root,
                    summary.Downloaded,
                    summary.AlreadyPresent,
                    summary.Failed,
                    summary.Outcomes.Select(o => new JsonFetched(
                        o.Artifact.Component.Name,
                        o.Artifact.Version,
                        o.Artifact.FileName,
                        o.Succeeded,
                        o.Result?.Downloaded ?? false,
                        o.Result?.Record.Sha256,
                        o.Result?.Record.Size,
                        o.Result?.FilePath,
                        o.Error?.Message)).ToList(),
                    selection.Skipped.Select(s => new JsonSkipped(s.Artifact.Component.Name, s.Artifact.FileName, s.Reason)).ToList()),
                CliJsonContext.Default.JsonFetch);
            return;
        }

        foreach (var failed in summary.Outcomes.Where(o => !o.Succeeded))
        {
            Stderr.Console.MarkupLine($"[red]error[/]: {Markup.Escape(failed.Error!.Message)}");
        }

        if (!context.Text)
        {
            return;
        }

        foreach (var o in summary.Outcomes.Where(o => o.Succeeded && !o.Artifact.IsPinned))
        {
            Stdout.Console.MarkupLine($"[yellow]unpinned[/] {Markup.Escape(o.Artifact.Label)} has sha256 {o.Result!.Record.Sha256}: pin it in the lock");
        }

        foreach (var s in selection.Skipped)
        {
            Stdout.Console.MarkupLine($"[yellow]skipped[/] {Markup.Escape(s.Artifact.Label)}: {Markup.Escape(s.Reason)}");
        }

        var verdict = summary.AllSucceeded ? "[green]fetch complete[/]" : "[red]fetch failed[/]";
        Stdout.Console.MarkupLine($"{verdict}: {summary.Downloaded} downloaded, {summary.AlreadyPresent} already in the store, {summary.Failed} failed ({Markup.Escape(store.Layout.Root)})");
    }
}
