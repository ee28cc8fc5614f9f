using System.CommandLine;
using Nvsdk.Cli.Output;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Fetch;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Mirror;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Store;
using Spectre.Console;

namespace Nvsdk.Cli.Commands;

/// <summary>`nvsdk mirror sync`: copy every pinned artifact to a folder or an S3-compatible bucket.</summary>
internal static class MirrorCommand
{
    public static Command Create()
    {
        var command = new Command("mirror", "Keep a mirror of the lock's artifacts in a folder or an S3-compatible bucket (R2, MinIO, AWS)");
        command.Add(Sync());
        return command;
    }

    private static Command Sync()
    {
        var to = new Option<string?>("--to") { Description = "DIR, or s3://BUCKET/PREFIX (default with UPLOAD_TO_R2=1: s3://$R2_BUCKET)" };
        var endpoint = new Option<string?>("--endpoint") { Description = "The S3 endpoint, path-style (default: $R2_ENDPOINT with UPLOAD_TO_R2=1, else $AWS_ENDPOINT_URL, else AWS)" };
        var baseUrl = new Option<string?>("--base-url") { Description = "The URL readers fetch the mirror from, when not the endpoint or file:// (an R2 custom domain)" };
        var system = GlobalOptions.System("Mirror only this system's artifacts (default: every system in the lock)");
        var allSystems = new Option<bool>("--all-systems") { Description = "Mirror every system's artifacts (the default)" };
        var rewriteLock = new Option<bool>("--rewrite-lock") { Description = "Put the mirror first in the sources of every mirrored artifact, in the lock file itself" };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Artifacts at once", DefaultValueFactory = _ => 4 };
        var command = new Command("sync", "Copy every pinned artifact (verified, from the store; fetched first if missing) to the mirror; skip what is already there")
        {
            to, endpoint, baseUrl, system, allSystems, rewriteLock, jobs,
        };
        command.SetAction(async (result, ct) =>
        {
            var context = CliContext.From(result);

            // Settings first: a bad request writes nothing, neither to the store nor to the mirror.
            var parallelism = result.GetValue(jobs) is var j and > 0 ? j : throw new UsageException("--jobs must be at least 1");
            var systemText = result.GetValue(system);
            if (systemText is not null && result.GetValue(allSystems))
            {
                throw new UsageException("--system and --all-systems exclude each other", "pass one of them");
            }

            var lockFile = context.LoadLock();
            IReadOnlyList<SystemId> systems = systemText is null ? lockFile.Systems : [GlobalOptions.ResolveSystem(systemText)];
            var selection = MirrorSync.Select(lockFile, systems);
            using var destination = MirrorDestinations.Resolve(result.GetValue(to), result.GetValue(endpoint), result.GetValue(baseUrl), Environment.GetEnvironmentVariable);
            var options = new FetchOptions { Parallelism = parallelism };

            var store = NvsdkStore.Open(context.StoreRoot);
            var summary = await FetchProgressView.RunAsync(
                context,
                report => MirrorSync.RunAsync(selection.Artifacts, store, destination, options, report, cancellationToken: ct)).ConfigureAwait(false);

            string? rewritten = null;
            if (result.GetValue(rewriteLock) && summary.AllSucceeded)
            {
                var updated = MirrorLockRewriter.AddMirror(lockFile, summary.BaseUrl, summary.Outcomes.Select(o => o.Artifact));
                LockFileWriter.WriteFile(context.LockPath, updated);
                rewritten = Path.GetFullPath(context.LockPath);
            }

            Render(context, selection, summary, result.GetValue(rewriteLock), rewritten);
            return summary.AllSucceeded ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private static void Render(CliContext context, MirrorSelection selection, MirrorSummary summary, bool rewriteAsked, string? rewritten)
    {
        if (context.Json)
        {
            JsonOut.Write(
                new JsonMirrorSync(
                    summary.Destination,
                    summary.BaseUrl.AbsoluteUri,
                    selection.Systems.Select(s => s.Name).ToList(),
                    summary.AllSucceeded,
                    summary.Uploaded,
                    summary.Present,
                    summary.Failed,
                    summary.Fetched,
                    summary.BytesUploaded,
                    rewritten,
                    summary.Outcomes.Select(o => new JsonMirrored(
                        o.Artifact.Component.Name,
                        o.Artifact.Version,
                        o.Artifact.FileName,
                        o.Key,
                        MirrorSync.Url(summary.BaseUrl, o.Artifact).AbsoluteUri,
                        o.Action.ToString().ToLowerInvariant(),
                        o.Size,
                        o.Fetched,
                        o.Error?.Message)).ToList(),
                    selection.Skipped.Select(s => new JsonMirrorSkipped(s.Artifact.Component.Name, s.Artifact.FileName, s.Reason)).ToList()),
                MirrorJsonContext.Default.JsonMirrorSync);
            return;
        }

        foreach (var failed in summary.Outcomes.Where(o => o.Action == MirrorAction.Failed))
        {
            Stderr.Console.MarkupLine($"[red]error[/]: {Markup.Escape(failed.Error!.Message)}");
        }

        if (rewriteAsked && rewritten is null)
        {
            Stderr.Console.MarkupLine($"[yellow]lock not rewritten[/]: {summary.Failed} artifacts did not reach the mirror");
        }

        if (!context.Text)
        {
            return;
        }

        foreach (var o in summary.Outcomes.Where(o => o.Action == MirrorAction.Uploaded))
        {
            Stdout.Console.MarkupLine($"uploaded {Markup.Escape(o.Key)} ({Bytes.Human(o.Size)})");
        }

        foreach (var s in selection.Skipped)
        {
            Stdout.Console.MarkupLine($"[yellow]skipped[/] {Markup.Escape(s.Artifact.Label)}: {Markup.Escape(s.Reason)}");
        }

        var verdict = summary.AllSucceeded ? "[green]mirror sync complete[/]" : "[red]mirror sync failed[/]";
        var nothing = summary.AllSucceeded && summary.Uploaded == 0 ? "nothing to upload: " : string.Empty;
        Stdout.Console.MarkupLine(
            $"{verdict}: {nothing}uploaded {summary.Uploaded} ({Bytes.Human(summary.BytesUploaded)}), skipped {summary.Present} already there ({Bytes.Human(summary.BytesPresent)}), {summary.Failed} failed; {summary.Fetched} fetched into the store first ({Markup.Escape(summary.Destination)})");
        Stdout.Console.MarkupLine($"mirror base URL (put it first in the lock): {Markup.Escape(summary.BaseUrl.AbsoluteUri)}");
        if (rewritten is not null)
        {
            Stdout.Console.MarkupLine($"rewrote {Markup.Escape(rewritten)}: {summary.Outcomes.Count} artifacts list {Markup.Escape(summary.BaseUrl.AbsoluteUri)}<component>/<file> first");
        }
    }
}
