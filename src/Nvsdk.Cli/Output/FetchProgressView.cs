using System.Collections.Concurrent;
using Nvsdk.Core.Fetch;
using Spectre.Console;

namespace Nvsdk.Cli.Output;

/// <summary>
/// Shows fetch progress: live bars on a terminal, one plain line per event otherwise (CI logs), nothing
/// with --json or --quiet. The work runs inside, because Spectre's live display owns the console meanwhile.
/// </summary>
internal static class FetchProgressView
{
    public static async Task<T> RunAsync<T>(CliContext context, Func<Action<FetchEvent>?, Task<T>> work)
    {
        if (!context.Text)
        {
            return await work(null).ConfigureAwait(false);
        }

        if (!Stderr.Interactive)
        {
            return await work(PlainLine).ConfigureAwait(false);
        }

        T result = default!;
        await Stderr.Console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async progress =>
            {
                var bars = new ConcurrentDictionary<string, ProgressTask>(StringComparer.Ordinal);
                ProgressTask Bar(string label, long? total) => bars.GetOrAdd(label, l =>
                {
                    var bar = progress.AddTask(Markup.Escape(l), maxValue: Math.Max(1, total ?? 1));
                    bar.IsIndeterminate = total is null;
                    return bar;
                });

                result = await work(e =>
                {
                    switch (e)
                    {
                        case FetchEvent.Started s:
                            var started = Bar(s.Artifact, s.Total);
                            if (s.Total is { } t)
                            {
                                started.MaxValue = t;
                                started.IsIndeterminate = false;
                            }

                            started.Value = s.ResumedFrom;
                            break;
                        case FetchEvent.Progress p:
                            Bar(p.Artifact, p.Total).Value = p.Bytes;
                            break;
                        case FetchEvent.SourceFailed f:
                            Stderr.Console.MarkupLine($"[yellow]{Markup.Escape(f.Artifact)}[/]: {Markup.Escape(f.Source.ToString())}: {Markup.Escape(f.Reason)}{(f.WillRetry ? " (retrying)" : string.Empty)}");
                            break;
                        case FetchEvent.Waiting w:
                            Stderr.Console.MarkupLine($"[grey]{Markup.Escape(w.Message)}[/]");
                            break;
                        case FetchEvent.Done d:
                            var bar = Bar(d.Artifact, d.Bytes);
                            bar.MaxValue = Math.Max(1, d.Bytes);
                            bar.IsIndeterminate = false;
                            bar.Value = bar.MaxValue;
                            bar.StopTask();
                            break;
                    }
                }).ConfigureAwait(false);
            }).ConfigureAwait(false);
        return result;
    }

    private static void PlainLine(FetchEvent e)
    {
        var line = e switch
        {
            FetchEvent.Started s when s.ResumedFrom > 0 => $"resuming {s.Artifact} at {Bytes.Human(s.ResumedFrom)} from {s.Source}",
            FetchEvent.Started s => $"fetching {s.Artifact} ({Bytes.Human(s.Total)}) from {s.Source}",
            FetchEvent.SourceFailed f => $"{f.Artifact}: {f.Source}: {f.Reason}{(f.WillRetry ? " (retrying)" : string.Empty)}",
            FetchEvent.Waiting w => w.Message,
            FetchEvent.Done { Downloaded: true } d => $"fetched {d.Artifact} ({Bytes.Human(d.Bytes)}), verified",
            _ => null,
        };
        if (line is not null)
        {
            Console.Error.WriteLine(line);
        }
    }
}
