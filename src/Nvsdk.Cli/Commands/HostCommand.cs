using System.CommandLine;
using Nvsdk.Cli.Output;
using Nvsdk.Core.Gpu.Doctor;
using Nvsdk.Core.Host;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Host.Cdi;
using Nvsdk.Core.Host.Config;
using Nvsdk.Core.Sdk;
using Nvsdk.Core.Store;
using Spectre.Console;

namespace Nvsdk.Cli.Commands;

/// <summary>
/// `nvsdk host plan | apply | rollback | status`: host.toml made real. Here `--root DIR` is the host's root:
/// every host file (and the store, at DIR/var/lib/nvsdk) is taken under DIR, as in a chroot.
/// </summary>
internal static class HostCommand
{
    private static readonly Option<string?> ConfigOption = new("--config") { Description = "The host config (default: <root>/etc/nvsdk/host.toml)" };

    public static Command Create()
    {
        var command = new Command("host", "Set the host up from /etc/nvsdk/host.toml: persistenced, CDI, Docker, profile, monitoring, driver");
        command.Add(Plan());
        command.Add(Apply());
        command.Add(Rollback());
        command.Add(Status());
        command.Add(CdiSpec());
        return command;
    }

    private static (HostRoot Host, HostConfig Config, string? Sdk) Resolve(ParseResult result)
    {
        var hostRoot = new HostRoot(result.GetValue(GlobalOptions.HostRoot) ?? "/");
        var configPath = result.GetValue(ConfigOption) ?? hostRoot.Resolve("/etc/nvsdk/host.toml");
        var config = HostConfigParser.Load(configPath);
        var generations = new Generations(new StoreLayout(hostRoot.Resolve("/var/lib/nvsdk")));
        var sdk = generations.Current() is null ? null : "/var/lib/nvsdk/generations/current";
        return (hostRoot, config, sdk);
    }

    private static Command Plan()
    {
        var command = new Command("plan", "Show every change `host apply` would make: files (unified diffs), packages, findings") { ConfigOption };
        command.SetAction(result =>
        {
            var context = CliContext.From(result);
            var (host, config, sdk) = Resolve(result);
            var plan = HostPlanner.Plan(config, host, sdk);
            Render(context, plan, applied: null);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Apply()
    {
        var command = new Command("apply", "Make the host match host.toml, as a new host generation (a second apply changes nothing)") { ConfigOption };
        command.SetAction(async (result, ct) =>
        {
            var context = CliContext.From(result);
            var (host, config, sdk) = Resolve(result);
            var applied = await HostApplier.ApplyAsync(config, host, sdk, cancellationToken: ct).ConfigureAwait(false);
            Render(context, applied.Plan, applied);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Rollback()
    {
        var command = new Command("rollback", "Restore the previous host generation byte for byte (generation 0: the host before nvsdk)");
        command.SetAction(async (result, ct) =>
        {
            var context = CliContext.From(result);
            var host = new HostRoot(result.GetValue(GlobalOptions.HostRoot) ?? "/");
            var now = await HostApplier.RollbackAsync(host, ct).ConfigureAwait(false);
            if (context.Text)
            {
                Stdout.Console.MarkupLine(now == 0 ? "rolled back to generation 0: the host as it was before nvsdk" : $"rolled back to host generation {now}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Status()
    {
        var command = new Command("status", "The current host generation and any managed file edited by hand since (drift)");
        command.SetAction(result =>
        {
            var context = CliContext.From(result);
            var host = new HostRoot(result.GetValue(GlobalOptions.HostRoot) ?? "/");
            var generations = new HostGenerations(host);
            var record = generations.Read(generations.Current());
            var drift = HostApplier.Status(host);
            if (context.Json)
            {
                var model = new JsonHostStatus(
                    record?.Number ?? 0,
                    record?.CreatedAt,
                    record?.Files.Select(f => f.Path).ToList() ?? [],
                    drift.Select(d => new JsonHostDrift(d.Path, d.What)).ToList());
                JsonOut.Write(model, CliJsonContext.Default.JsonHostStatus);
            }
            else if (context.Text)
            {
                Stdout.Console.MarkupLine(record is null ? "host generation 0: nvsdk manages nothing here" : $"host generation {record.Number} ({record.CreatedAt:u}): {record.Files.Count} managed files");
                foreach (var d in drift)
                {
                    Stdout.Console.MarkupLine($"[yellow]drift[/] {Markup.Escape(d.Path)}: {d.What} (`nvsdk host apply` puts it back)");
                }
            }

            return drift.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private static Command CdiSpec()
    {
        var hook = new Option<string?>("--hook") { Description = "The hook program the spec runs (default: nvsdk at a stable path, else nvidia-cdi-hook)" };
        var underRoot = new Option<bool>("--host-paths-under-root") { Description = "Prefix every hostPath with --root (a driver root that the container runtime does not chroot into)" };
        var output = new Option<string?>("--output", "-o") { Description = "Write the spec here (default: standard output)" };
        var graphics = new Option<bool>("--graphics") { Description = "Also mount the driver's graphics config files (Vulkan ICD, EGL…), as host.toml's container.graphics" };
        var command = new Command("cdi-spec", "Print the CDI spec (kind nvidia.com/gpu) that `host apply` would write, generated from this host") { hook, underRoot, output, graphics };
        command.SetAction(result =>
        {
            var host = new HostRoot(result.GetValue(GlobalOptions.HostRoot) ?? "/");
            var prefixed = result.GetValue(underRoot);
            var program = result.GetValue(hook) ?? CdiHookLocator.Find(host)
                ?? throw new UsageException("no CDI hook program on this host (nvsdk at a stable path, or nvidia-cdi-hook)", $"install nvsdk as {CdiHookLocator.InstalledPaths[0]}, or pass --hook PATH");

            // Never a spec whose hook is missing: the runtime would fail every GPU container.
            if (!(prefixed ? File.Exists(program) : host.IsFile(program)))
            {
                throw new UsageException($"the hook program {program} does not exist{(prefixed ? string.Empty : $" under {host.Root}")}", "pass --hook with the path of nvsdk or nvidia-cdi-hook");
            }

            var spec = CdiSpecGenerator.Generate(host.Root, program, prefixed ? host.Root : "/", result.GetValue(graphics));
            if (result.GetValue(output) is { } file)
            {
                File.WriteAllText(file, spec);
            }
            else
            {
                Console.Out.Write(spec);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Render(CliContext context, HostPlan plan, HostApplyResult? applied)
    {
        if (context.Json)
        {
            var model = new JsonHostPlan(
                plan.CurrentGeneration,
                applied?.Generation,
                applied?.NoOp,
                plan.Changes.Select(c => new JsonHostChange(c.Path, c.Kind.ToString().ToLowerInvariant(), c.Reason, c.Diff)).ToList(),
                plan.PackagesToInstall.Select(p => new JsonHostPackage(p.Manager, p.Package, p.Available)).ToList(),
                plan.Findings.Select(f => new JsonHostFinding(f.Id, f.Status.ToString().ToLowerInvariant(), f.Message, f.Fix)).ToList())
            {
                Commands = plan.Commands.Select(c => string.Join(' ', c)).ToList(),
                AfterApply = plan.AfterApply,
                CommandFailures = applied?.CommandFailures ?? [],
            };
            JsonOut.Write(model, CliJsonContext.Default.JsonHostPlan);
            return;
        }

        if (!context.Text)
        {
            return;
        }

        foreach (var change in plan.Changes)
        {
            Stdout.Console.MarkupLine($"[bold]{change.Kind.ToString().ToLowerInvariant()}[/] {Markup.Escape(change.Path)}  [grey]({Markup.Escape(change.Reason)})[/]");
            foreach (var line in change.Diff.TrimEnd('\n').Split('\n'))
            {
                var color = line.StartsWith('+') ? "green" : line.StartsWith('-') ? "red" : line.StartsWith('@') ? "cyan" : "grey";
                Stdout.Console.MarkupLine($"  [{color}]{Markup.Escape(line)}[/]");
            }
        }

        foreach (var p in plan.PackagesToInstall)
        {
            Stdout.Console.MarkupLine($"[bold]install[/] {Markup.Escape(p.Package)} ({p.Manager}){(p.Available is null ? " [grey](availability not checked under --root)[/]" : string.Empty)}");
        }

        foreach (var c in plan.Commands)
        {
            Stdout.Console.MarkupLine($"[bold]run[/] {Markup.Escape(string.Join(' ', c))}");
        }

        foreach (var hint in plan.AfterApply)
        {
            Stdout.Console.MarkupLine($"[bold]then[/] {Markup.Escape(hint)}");
        }

        foreach (var failure in applied?.CommandFailures ?? [])
        {
            Stdout.Console.MarkupLine($"[yellow]warn[/] {Markup.Escape(failure)}");
        }

        foreach (var f in plan.Findings.Where(f => f.Status != FindingStatus.Skip || !plan.HasChanges))
        {
            var color = f.Status switch { FindingStatus.Warn => "yellow", FindingStatus.Fail => "red", FindingStatus.Ok => "green", _ => "grey" };
            Stdout.Console.MarkupLine($"[{color}]{f.Status.ToString().ToLowerInvariant()}[/] {Markup.Escape(f.Message)}{(f.Fix is null ? string.Empty : $"\n     fix: {Markup.Escape(f.Fix)}")}");
        }

        Stdout.Console.MarkupLine(applied switch
        {
            null => plan.HasChanges ? $"{plan.Changes.Count} file change(s) planned; `nvsdk host apply` makes them" : "the host already matches host.toml: nothing to do",
            { NoOp: true } => $"the host already matches host.toml (generation {applied.Generation}): nothing changed",
            _ => $"[green]applied[/] host generation {applied.Generation}: {plan.Changes.Count} file(s) changed{(applied.PackagesInstalled.Count > 0 ? $", installed {string.Join(", ", applied.PackagesInstalled)}" : string.Empty)}",
        });
    }
}
