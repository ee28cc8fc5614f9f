using System.CommandLine;
using Nvsdk.Cli.Output;
using Nvsdk.Core.Cache;
using Nvsdk.Core.Gpu.Host;
using Nvsdk.Core.Oci.Registry;
using Nvsdk.Core.Plan;
using Nvsdk.Core.Sdk;
using Nvsdk.Core.Store;
using Spectre.Console;

namespace Nvsdk.Cli.Commands;

/// <summary>`nvsdk install`: fetch, unpack and assemble the SDK into a new generation, then make it current.</summary>
internal static class InstallCommand
{
    public static Command Create()
    {
        var input = new FetchOptionsBinder("install");
        var command = new Command("install", "Fetch, verify, unpack and assemble the SDK into a new generation (a repeat is a no-op)");
        input.AddTo(command);
        var noCache = new Option<bool>("--no-cache") { Description = "Do not try binary caches (`nvsdk cache use`); fetch and unpack everything" };
        command.Add(noCache);
        var repair = new Option<bool>("--repair") { Description = "Re-hash what the install uses; re-fetch and re-unpack only damaged entries, then build a fresh generation" };
        command.Add(repair);
        command.SetAction(async (result, ct) =>
        {
            Core.Platform.PhaseTimings.Mark("install: parsed");
            var context = CliContext.From(result);
            var request = input.Select(result, context);
            var (lockFile, selection, options) = request;
            Core.Platform.PhaseTimings.Mark("install: lock read, selection and licences checked");
            var store = NvsdkStore.Open(context.StoreRoot);
            var settings = result.GetValue(noCache) ? new CacheSettings { Enabled = false } : CacheSettings.Load(store.Layout);
            Core.Platform.PhaseTimings.Mark("install: store and cache settings opened");
            using var registry = new RegistryClient(new RegistryClientOptions { Fetch = options });
            var cache = CacheSource.FromSettings(settings, registry);
            var installed = await FetchProgressView.RunAsync(
                context,
                report => SdkInstaller.InstallAsync(lockFile, selection, store, options, report, ct, cache, new GenerationInputs(request.Licenses, () => HostTargets.Live()), result.GetValue(repair))).ConfigureAwait(false);
            Render(context, store, selection, installed);
            Core.Platform.PhaseTimings.Mark("install: done");
            Core.Platform.PhaseTimings.MarkRuntime();
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Render(CliContext context, NvsdkStore store, Selection selection, InstallResult installed)
    {
        var generations = new Generations(store.Layout);
        if (context.Json)
        {
            JsonOut.Write(new JsonInstall(JsonGeneration.From(installed.Generation, generations, true), installed.NoOp, installed.Downloaded, installed.Unpacked, installed.FromCache, generations.CurrentLink, selection.Skipped.Select(s => new JsonSkipped(s.Artifact.Component.Name, s.Artifact.FileName, s.Reason)).ToList(), installed.Repaired.Select(r => new JsonVerdict(r.Name, r.State.ToString().ToLowerInvariant(), r.Problem)).ToList()), CliJsonContext.Default.JsonInstall);
            return;
        }

        if (!context.Text)
        {
            return;
        }

        foreach (var s in selection.Skipped)
        {
            Stdout.Console.MarkupLine($"[yellow]skipped[/] {Markup.Escape(s.Artifact.Label)}: {Markup.Escape(s.Reason)}");
        }

        foreach (var r in installed.Repaired)
        {
            Stdout.Console.MarkupLine($"[yellow]repaired[/] {Markup.Escape(r.Name)} ({Markup.Escape(r.Problem ?? r.State.ToString())})");
        }

        var g = installed.Generation;
        var parts = string.Join(", ", g.Components.Select(c => $"{c.Name} {c.Version}"));
        Stdout.Console.MarkupLine(installed.NoOp
            ? $"[green]up to date[/]: generation {g.Number} ({g.System}) already matches the lock: {Markup.Escape(parts)}"
            : $"[green]installed[/] generation {g.Number} ({g.System}): {Markup.Escape(parts)}; {installed.Downloaded} downloaded, {installed.Unpacked} unpacked{(installed.FromCache > 0 ? $", {installed.FromCache} from the binary cache" : string.Empty)}{(g.CopiedFiles > 0 ? $", {g.CopiedFiles} files copied (store on another file system)" : string.Empty)}");
        Stdout.Console.MarkupLine($"SDK: {Markup.Escape(generations.CurrentLink)}  (use it: eval \"$(nvsdk env)\" or nvsdk shell)");
    }
}
