using System.CommandLine;
using Nvsdk.Cli.Output;
using Nvsdk.Core.Store;
using Spectre.Console;

namespace Nvsdk.Cli.Commands;

/// <summary>`nvsdk store list | verify | gc`.</summary>
internal static class StoreCommand
{
    public static Command Create()
    {
        var command = new Command("store", "Inspect and maintain the content-addressed store");
        command.Add(List());
        command.Add(Verify());
        command.Add(Gc());
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List registered store entries");
        command.SetAction(result =>
        {
            var context = CliContext.From(result);
            var store = NvsdkStore.OpenReadOnly(context.StoreRoot);
            var entries = store.List();
            if (context.Json)
            {
                JsonOut.Write(
                    new JsonStoreList(store.Layout.Root, entries.Select(e => new JsonStoreEntry(e.Name, e.Kind, e.Component, e.Version, e.File, e.Sha256, e.Size, e.Source, e.RegisteredAt)).ToList()),
                    CliJsonContext.Default.JsonStoreList);
            }
            else if (context.Text)
            {
                var table = new Table().Border(TableBorder.Rounded).AddColumns("entry", "component", "version", "size", "registered");
                foreach (var e in entries)
                {
                    table.AddRow(Markup.Escape(e.Name), Markup.Escape(e.Component), Markup.Escape(e.Version), Bytes.Human(e.Size), e.RegisteredAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture));
                }

                Stdout.Console.Write(table);
                Stdout.Console.MarkupLine($"{entries.Count} entries, {Bytes.Human(entries.Sum(e => e.Size))} in {Markup.Escape(store.Layout.Root)}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Verify()
    {
        var command = new Command("verify", "Re-hash every registered entry; report corrupt or missing ones and unregistered debris");
        command.SetAction(async (result, ct) =>
        {
            var context = CliContext.From(result);
            var store = NvsdkStore.OpenReadOnly(context.StoreRoot);
            var report = await Nvsdk.Core.Sdk.GenerationVerifier.VerifyStoreAsync(store, cancellationToken: ct).ConfigureAwait(false);
            if (context.Json)
            {
                JsonOut.Write(
                    new JsonVerify(store.Layout.Root, report.Healthy, report.Entries.Select(e => new JsonVerdict(e.Name, e.State.ToString().ToLowerInvariant(), e.Problem)).ToList(), report.Debris),
                    CliJsonContext.Default.JsonVerify);
            }
            else
            {
                foreach (var bad in report.Entries.Where(e => e.State != EntryState.Ok))
                {
                    Stderr.Console.MarkupLine($"[red]{bad.State.ToString().ToLowerInvariant()}[/] {Markup.Escape(bad.Name)}: {Markup.Escape(bad.Problem ?? string.Empty)}");
                }

                if (context.Text)
                {
                    foreach (var d in report.Debris)
                    {
                        Stdout.Console.MarkupLine($"[yellow]debris[/] store/{Markup.Escape(d)} (never registered; `nvsdk store gc` removes it)");
                    }

                    if (!report.Healthy)
                    {
                        Stdout.Console.MarkupLine("repair: `nvsdk install --repair` re-fetches and re-unpacks only the damaged entries and builds a fresh generation from them");
                    }

                    var ok = report.Entries.Count(e => e.State == EntryState.Ok);
                    var verdict = report.Healthy ? "[green]store verified[/]" : "[red]store damaged[/]";
                    Stdout.Console.MarkupLine($"{verdict}: {ok} of {report.Entries.Count} entries intact, {report.Debris.Count} debris ({Markup.Escape(store.Layout.Root)})");
                }
            }

            return report.Healthy ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private static Command Gc()
    {
        var dryRun = new Option<bool>("--dry-run", "-n") { Description = "Only say what would be removed" };
        var command = new Command("gc", "Remove entries no root or generation keeps, and debris left by interrupted runs") { dryRun };
        command.SetAction(async (result, ct) =>
        {
            var context = CliContext.From(result);
            var store = NvsdkStore.Open(context.StoreRoot);
            var report = await store.CollectGarbageAsync(result.GetValue(dryRun), ct).ConfigureAwait(false);
            if (context.Json)
            {
                JsonOut.Write(new JsonGc(store.Layout.Root, report.DryRun, report.Removed, report.Debris, report.BytesFreed), CliJsonContext.Default.JsonGc);
            }
            else if (context.Text)
            {
                var verb = report.DryRun ? "would remove" : "removed";
                foreach (var name in report.Removed)
                {
                    Stdout.Console.MarkupLine($"{verb} {Markup.Escape(name)}");
                }

                foreach (var d in report.Debris)
                {
                    Stdout.Console.MarkupLine($"{verb} debris {Markup.Escape(d)}");
                }

                Stdout.Console.MarkupLine($"{verb} {report.Removed.Count} entries ({Bytes.Human(report.BytesFreed)}) and {report.Debris.Count} debris; {report.Roots} entries kept by roots");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
