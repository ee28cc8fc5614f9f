using System.CommandLine;
using System.Diagnostics;
using Nvsdk.Cli.Output;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Primitives;
using Spectre.Console;

namespace Nvsdk.Cli.Commands;

/// <summary>`nvsdk check`: validate the lock offline; with --full, download and verify every artifact too.</summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var allSystems = new Option<bool>("--all-systems") { Description = "Check every system (x86_64-linux and aarch64-linux), not just this one" };
        var system = GlobalOptions.System("Check this system instead of the host's");
        var full = new Option<bool>("--full") { Description = "Also download every artifact of the chosen systems and verify its sha256 (needs the network)" };
        var command = new Command("check", "Validate the lock file offline (schema, digests, URLs, coverage, duplicates, mirror order)")
        {
            allSystems, system, full,
        };
        command.SetAction(async (result, ct) =>
        {
            var context = CliContext.From(result);
            IReadOnlyList<SystemId> systems = result.GetValue(allSystems)
                ? SystemId.All
                : [GlobalOptions.ResolveSystem(result.GetValue(system))];
            var watch = Stopwatch.StartNew();
            var report = LockChecker.Check(context.LockPath, LockFileParser.ReadFile(context.LockPath), systems);
            var offlineMs = watch.Elapsed.TotalMilliseconds;
            IReadOnlyList<FullCheckResult>? fullResults = null;
            if (result.GetValue(full) && report.LockFile is not null)
            {
                fullResults = await FullCheck.RunAsync(report.LockFile, systems, context, ct).ConfigureAwait(false);
            }

            Render(context, report, fullResults, offlineMs);
            var fullOk = fullResults?.All(r => r.Ok || r.Skipped) ?? true;
            return report.Passed && fullOk ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private static void Render(CliContext context, CheckReport report, IReadOnlyList<FullCheckResult>? full, double elapsedMs)
    {
        if (context.Json)
        {
            JsonOut.Write(
                new JsonCheck(
                    report.Path,
                    report.Systems.Select(s => s.Name).ToList(),
                    report.Passed && (full?.All(r => r.Ok || r.Skipped) ?? true),
                    report.ErrorCount,
                    report.WarningCount,
                    report.Diagnostics.Select(d => new JsonDiagnostic(d.Severity.ToString().ToLowerInvariant(), d.Code, d.JsonPath, d.Message)).ToList(),
                    report.UnpinnedArtifacts.Select(a => new JsonUnpinned(a.Component.Name, a.Version, a.FileName, a.UnpinnedReason)).ToList(),
                    full?.Select(r => new JsonFullCheck(r.Artifact.Component.Name, r.Artifact.FileName, r.System.Name, r.Ok, r.Digest, r.Error)).ToList(),
                    Math.Round(elapsedMs, 1)),
                CliJsonContext.Default.JsonCheck);
            return;
        }

        foreach (var d in report.Diagnostics.Where(d => context.Text || d.Severity == DiagnosticSeverity.Error))
        {
            var color = d.Severity == DiagnosticSeverity.Error ? "red" : "yellow";
            Stdout.Console.MarkupLine($"[{color}]{d.Severity.ToString().ToLowerInvariant()}[[{d.Code}]][/] {Markup.Escape(d.JsonPath)}: {Markup.Escape(d.Message)}");
        }

        if (full is not null && context.Text)
        {
            foreach (var r in full)
            {
                var verdict = r.Skipped ? "[grey]skipped[/]" : r.Ok ? "[green]ok[/]" : "[red]FAILED[/]";
                Stdout.Console.MarkupLine($"{verdict} {Markup.Escape(r.Artifact.Label)} [grey]{r.System}[/] {Markup.Escape(r.Error ?? r.Digest ?? string.Empty)}");
            }
        }

        if (!context.Text)
        {
            return;
        }

        // With errors the lock is not built, so its counts are unknown: say so rather than "0 components".
        var counts = report.LockFile is { } lockFile
            ? $"{lockFile.Components.Count} components, {lockFile.Components.Sum(c => c.Artifacts.Count)} artifacts"
            : "not a usable lock";
        var unpinned = report.UnpinnedArtifacts.Count();
        var verdictText = report.Passed ? "[green]check passed[/]" : "[red]check failed[/]";
        Stdout.Console.MarkupLine(
            $"{verdictText}: {Markup.Escape(report.Path)}: {counts}, systems {string.Join(" ", report.Systems)}; " +
            $"{report.ErrorCount} errors, {report.WarningCount} warnings ({unpinned} unpinned) in {elapsedMs:0} ms");
    }
}
