using System.CommandLine;
using Nvsdk.Cli.Output;
using Nvsdk.Core.Plan;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Store;
using Spectre.Console;

namespace Nvsdk.Cli.Commands;

/// <summary>`nvsdk plan`: what `fetch` would download, from where, and what the store already has.</summary>
internal static class PlanCommand
{
    public static Command Create()
    {
        var components = new Argument<string[]>("components") { Description = "Components to plan (default: all)", Arity = ArgumentArity.ZeroOrMore };
        var system = GlobalOptions.System("Plan for this system instead of the host's");
        var allowUnpinned = new Option<bool>("--allow-unpinned") { Description = "Include entries the lock does not pin by sha256" };
        var command = new Command("plan", "Show what would be fetched: name, version, format, size, sources in order, in the store or not")
        {
            components, system, allowUnpinned,
        };
        command.SetAction(result =>
        {
            var context = CliContext.From(result);
            var lockFile = context.LoadLock();
            var selection = ArtifactSelection.Select(lockFile, result.GetValue(components) ?? [], GlobalOptions.ResolveSystem(result.GetValue(system)), result.GetValue(allowUnpinned));
            var plan = FetchPlan.Build(selection, NvsdkStore.OpenReadOnly(context.StoreRoot));
            Render(context, plan);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Render(CliContext context, FetchPlan plan)
    {
        if (context.Json)
        {
            JsonOut.Write(
                new JsonPlan(
                    plan.System.Name,
                    plan.Artifacts.Select(p => new JsonPlannedArtifact(
                        p.Artifact.Component.Name,
                        p.Artifact.Version,
                        p.Artifact.FileName,
                        p.Artifact.Format.ToLockName(),
                        p.Artifact.Size,
                        p.Artifact.Sha256?.Hex,
                        p.Artifact.Sources.Select(s => new JsonSource(s.Url.ToString(), s.Role.ToString().ToLowerInvariant())).ToList(),
                        p.InStore,
                        p.StoreEntry)).ToList(),
                    plan.Skipped.Select(s => new JsonSkipped(s.Artifact.Component.Name, s.Artifact.FileName, s.Reason)).ToList(),
                    plan.BytesToFetch),
                CliJsonContext.Default.JsonPlan);
            return;
        }

        if (!context.Text)
        {
            return;
        }

        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("component", "version", "file", "format", "size", "sources (in order)", "store");
        foreach (var p in plan.Artifacts)
        {
            table.AddRow(
                Markup.Escape(p.Artifact.Component.Name),
                Markup.Escape(p.Artifact.Version),
                Markup.Escape(p.Artifact.FileName),
                p.Artifact.Format.ToLockName(),
                Bytes.Human(p.Artifact.Size),
                Markup.Escape(string.Join("\n", p.Artifact.Sources.Select(s => $"{s.Role.ToString().ToLowerInvariant()}: {(s.Url.IsFile ? "file" : s.Url.Authority)}"))),
                p.InStore ? "[green]present[/]" : "[yellow]to fetch[/]");
        }

        Stdout.Console.Write(table);
        foreach (var s in plan.Skipped)
        {
            Stdout.Console.MarkupLine($"[yellow]skipped[/] {Markup.Escape(s.Artifact.Label)}: {Markup.Escape(s.Reason)}");
        }

        var toFetch = plan.Artifacts.Count(a => !a.InStore);
        Stdout.Console.MarkupLine($"{plan.System}: {plan.Artifacts.Count} artifacts, {toFetch} to fetch ({(plan.BytesToFetch is { } b ? Bytes.Human(b) : "sizes not in the lock")}), {plan.Artifacts.Count - toFetch} in the store");
    }
}
