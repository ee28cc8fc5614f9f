using System.CommandLine;
using Nvsdk.Cli.Output;
using Nvsdk.Core.Bundle;
using Nvsdk.Core.Fetch;
using Nvsdk.Core.Plan;
using Nvsdk.Core.Store;
using Spectre.Console;

namespace Nvsdk.Cli.Commands;

/// <summary>
/// `nvsdk bundle export FILE [--system S] [components…]` and `nvsdk bundle import FILE [--write-lock LOCK]`:
/// carry pinned artifacts to an air-gapped host as one tar, then install there from the store alone.
/// </summary>
internal static class BundleCommand
{
    public static Command Create()
    {
        var command = new Command("bundle", "Move pinned artifacts to an air-gapped host as one tar file");
        command.Add(Export());
        command.Add(Import());
        return command;
    }

    private static Command Export()
    {
        var file = new Argument<string>("file") { Description = "The bundle to write (an uncompressed tar)" };
        var components = new Argument<string[]>("components") { Description = "Components to bundle (default: all pinned ones)", Arity = ArgumentArity.ZeroOrMore };
        var system = GlobalOptions.System("Bundle the artifacts of this system instead of the host's");
        var command = new Command("export", "Write the lock and the selected artifacts (fetched first if missing) into one tar");
        command.Add(file);
        command.Add(components);
        command.Add(system);
        command.SetAction(async (result, ct) =>
        {
            var context = CliContext.From(result);
            // Validate everything before the store is touched: a bad request writes nothing.
            var lockFile = context.LoadLock();
            var selection = ArtifactSelection.Select(lockFile, result.GetValue(components) ?? [], GlobalOptions.ResolveSystem(result.GetValue(system)), allowUnpinned: false);
            var destination = result.GetValue(file)!;
            var store = NvsdkStore.Open(context.StoreRoot);
            var exported = await FetchProgressView.RunAsync(
                context,
                report => BundleWriter.ExportAsync(lockFile, selection, store, destination, new FetchOptions(), report, cancellationToken: ct)).ConfigureAwait(false);
            RenderExport(context, exported);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Import()
    {
        var file = new Argument<string>("file") { Description = "The bundle `nvsdk bundle export` wrote" };
        var writeLock = new Option<string?>("--write-lock") { Description = "Also write the bundle's lock here once every artifact is in the store (then: nvsdk install --lock FILE)" };
        var command = new Command("import", "Verify each artifact of a bundle while it streams and register it in the store");
        command.Add(file);
        command.Add(writeLock);
        command.SetAction(async (result, ct) =>
        {
            var context = CliContext.From(result);
            var store = NvsdkStore.Open(context.StoreRoot);
            var imported = await FetchProgressView.RunAsync(
                context,
                report => BundleReader.ImportAsync(result.GetValue(file)!, store, result.GetValue(writeLock), report, ct)).ConfigureAwait(false);
            RenderImport(context, store, imported);
            return imported.AllSucceeded ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private static void RenderExport(CliContext context, BundleExportResult exported)
    {
        var manifest = exported.Manifest;
        if (context.Json)
        {
            JsonOut.Write(
                new JsonBundleExport(
                    exported.Path,
                    manifest.System.Name,
                    manifest.CudaVersion,
                    manifest.Created,
                    exported.Bytes,
                    exported.Fetched,
                    manifest.Artifacts.Select(a => new JsonBundleArtifact(a.Component.Name, a.Version, a.File, a.Sha256.Hex, a.Size)).ToList(),
                    exported.Skipped.Select(s => new JsonSkipped(s.Artifact.Component.Name, s.Artifact.FileName, s.Reason)).ToList()),
                BundleJsonContext.Default.JsonBundleExport);
            return;
        }

        if (!context.Text)
        {
            return;
        }

        foreach (var s in exported.Skipped)
        {
            Stdout.Console.MarkupLine($"[yellow]skipped[/] {Markup.Escape(s.Artifact.Label)}: {Markup.Escape(s.Reason)}");
        }

        Stdout.Console.MarkupLine(
            $"[green]bundle written[/]: {Markup.Escape(exported.Path)} ({manifest.Artifacts.Count} artifacts for {manifest.System}, {Bytes.Human(exported.Bytes)}; {exported.Fetched} fetched first)");
    }

    private static void RenderImport(CliContext context, NvsdkStore store, BundleImportResult imported)
    {
        if (context.Json)
        {
            JsonOut.Write(
                new JsonBundleImport(
                    imported.Path,
                    imported.Manifest.System.Name,
                    store.Layout.Root,
                    imported.Imported,
                    imported.AlreadyPresent,
                    imported.Failed,
                    imported.LockWrittenTo,
                    imported.Outcomes.Select(o => new JsonBundleImported(
                        o.Artifact.Component.Name,
                        o.Artifact.Version,
                        o.Artifact.File,
                        o.Artifact.Sha256.Hex,
                        o.Artifact.Size,
                        o.Succeeded,
                        o.Imported,
                        o.Result?.FilePath,
                        o.Error?.Message)).ToList()),
                BundleJsonContext.Default.JsonBundleImport);
            return;
        }

        foreach (var failed in imported.Outcomes.Where(o => !o.Succeeded))
        {
            Stderr.Console.MarkupLine($"[red]error[/]: {Markup.Escape(failed.Error!.Message)}");
        }

        if (!context.Text)
        {
            return;
        }

        foreach (var o in imported.Outcomes.Where(o => o.Succeeded))
        {
            Stdout.Console.MarkupLine($"{(o.Imported ? "[green]imported[/]" : "present ")} {Markup.Escape(o.Artifact.Label)} {Bytes.Human(o.Artifact.Size)}");
        }

        var verdict = imported.AllSucceeded ? "[green]import complete[/]" : "[red]import failed[/]";
        Stdout.Console.MarkupLine(
            $"{verdict}: {imported.Imported} imported, {imported.AlreadyPresent} already in the store, {imported.Failed} refused ({Markup.Escape(store.Layout.Root)})");
        if (imported.LockWrittenTo is { } lockPath)
        {
            Stdout.Console.MarkupLine($"install offline with: nvsdk install --lock {Markup.Escape(lockPath)}");
        }
    }
}
