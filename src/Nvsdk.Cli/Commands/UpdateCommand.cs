using System.CommandLine;
using Nvsdk.Cli.Output;
using Nvsdk.Core.Update;
using Spectre.Console;

namespace Nvsdk.Cli.Commands;

/// <summary>`nvsdk update`: find newer versions that fit the CUDA major; `--dry-run` shows the diff only.</summary>
internal static class UpdateCommand
{
    public static Command Create()
    {
        var dryRun = new Option<bool>("--dry-run", "-n") { Description = "Only show what would change" };
        var component = new Option<string[]>("--component", "-c") { Description = "Only these components", AllowMultipleArgumentsPerToken = true };
        var nvidiaBase = new Option<string?>("--nvidia-base") { Description = "NVIDIA's compute downloads (default https://developer.download.nvidia.com/compute/, or $NVSDK_NVIDIA_BASE)" };
        var pypiBase = new Option<string?>("--pypi-base") { Description = "PyPI (default https://pypi.org/, or $NVSDK_PYPI_BASE)" };
        var githubApiBase = new Option<string?>("--github-api-base") { Description = "GitHub's API (default https://api.github.com/, or $NVSDK_GITHUB_API_BASE)" };
        var githubBase = new Option<string?>("--github-base") { Description = "GitHub's web host for tag tarballs (default https://github.com/, or $NVSDK_GITHUB_BASE)" };
        var command = new Command("update", "Find newer versions that fit the SDK's CUDA major (NVIDIA manifests, PyPI, GitHub) and rewrite the lock (or --dry-run)")
        {
            dryRun, component, nvidiaBase, pypiBase, githubApiBase, githubBase,
        };
        command.SetAction(async (result, ct) =>
        {
            var context = CliContext.From(result);
            var lockFile = context.LoadLock();
            var sources = UpdateSources.FromEnvironment();
            if (result.GetValue(nvidiaBase) is { } n)
            {
                sources = sources with { NvidiaBase = UpdateSources.Slash(n) };
            }

            if (result.GetValue(pypiBase) is { } p)
            {
                sources = sources with { PyPiBase = UpdateSources.Slash(p) };
            }

            if (result.GetValue(githubApiBase) is { } ga)
            {
                sources = sources with { GitHubApiBase = UpdateSources.Slash(ga) };
            }

            if (result.GetValue(githubBase) is { } g)
            {
                sources = sources with { GitHubBase = UpdateSources.Slash(g) };
            }

            var report = await LockUpdater.ProposeAsync(lockFile, sources, result.GetValue(component) ?? [], cancellationToken: ct).ConfigureAwait(false);
            var write = !result.GetValue(dryRun) && report.Proposals.Count > 0;
            if (write)
            {
                // Checked before anything is written: an update that would break the lock changes nothing.
                Core.LockFile.LockFileWriter.WriteFile(context.LockPath, LockEdits.Apply(lockFile, report.Proposals));
            }

            Render(context, report, write ? context.LockPath : null);

            // As apt-get update does: proposals from the sources that answered are kept, but a source that
            // failed makes the run a failure, so `nvsdk update && git commit` never hides a half-checked lock.
            var failed = report.Skipped.Count(s => s.SourceFailed);
            if (failed > 0 && !context.Json)
            {
                Console.Error.WriteLine($"nvsdk: error: {failed} component source(s) could not be checked; see the lines above");
            }

            return failed > 0 ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return command;
    }

    private static void Render(CliContext context, UpdateReport report, string? written)
    {
        if (context.Json)
        {
            JsonOut.Write(
                new JsonUpdate(
                    report.Proposals.Select(p => new JsonUpdateProposal(p.Component, p.OldVersion, p.NewVersion, p.Source, p.Artifacts.Select(a => new JsonUpdateArtifact(a.System.Name, a.FileName, a.Url.ToString(), a.Sha256.Hex, a.Size, a.OldSize)).ToList(), p.Notes)).ToList(),
                    report.Skipped.Select(s => new JsonUpdateSkip(s.Component, s.Reason, s.SourceFailed)).ToList()),
                CliJsonContext.Default.JsonUpdate);
            return;
        }

        if (!context.Text)
        {
            return;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumns("component", "version", "system", "file", "sha256", "size", "source");
        foreach (var p in report.Proposals)
        {
            foreach (var a in p.Artifacts.OrderBy(a => a.System.Name, StringComparer.Ordinal))
            {
                var size = a.OldSize is { } old ? $"{Bytes.Human(old)} → {Bytes.Human(a.Size)}" : Bytes.Human(a.Size);
                table.AddRow(Markup.Escape(p.Component), Markup.Escape($"{p.OldVersion} → {p.NewVersion}"), a.System.Name, Markup.Escape(a.FileName), a.Sha256.Hex[..12] + "…", Markup.Escape(size), Markup.Escape(new Uri(p.Source).Authority));
            }
        }

        if (report.Proposals.Count > 0)
        {
            Stdout.Console.Write(table);
        }

        foreach (var p in report.Proposals)
        {
            foreach (var note in p.Notes)
            {
                Stdout.Console.MarkupLine($"[grey]{Markup.Escape(p.Component)}[/]: {Markup.Escape(note)}");
            }
        }

        if (report.Proposals.Select(p => p.Toolkit).FirstOrDefault(t => t is not null) is { } toolkit)
        {
            Stdout.Console.MarkupLine(Markup.Escape($"sdk: CUDA {toolkit.Release}, driver ≥ {toolkit.Driver} (sdk.cuda and sdk.driver, doctor's floor)"));
        }

        foreach (var s in report.Skipped)
        {
            Stdout.Console.MarkupLine($"[grey]{Markup.Escape(s.Component)}[/]: {Markup.Escape(s.Reason)}");
        }

        Stdout.Console.MarkupLine(written is null
            ? $"{report.Proposals.Count} update(s) proposed (the lock is unchanged)"
            : $"[green]updated[/] {Markup.Escape(written)}: {report.Proposals.Count} component(s); review with `git diff`, then `nvsdk check --all-systems`");
    }
}
