using System.CommandLine;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Fetch;

namespace Nvsdk.Cli.Commands;

/// <summary>The download options `fetch` and `install` share, and their validation.</summary>
internal sealed class FetchOptionsBinder
{
    private readonly Option<bool> allowUnpinned = new("--allow-unpinned") { Description = "Include entries the lock does not pin, and print their digests" };
    private readonly Option<int> jobs = new("--jobs", "-j") { Description = "Artifacts at once", DefaultValueFactory = _ => 4 };
    private readonly Option<int> retries = new("--retries") { Description = "Attempts per source for 5xx, timeouts and resets", DefaultValueFactory = _ => 4 };
    private readonly Option<double> timeout = new("--timeout") { Description = "Seconds a connection may stall before the attempt fails", DefaultValueFactory = _ => 30 };

    public void AddTo(Command command)
    {
        command.Add(allowUnpinned);
        command.Add(jobs);
        command.Add(retries);
        command.Add(timeout);
    }

    public FetchOptions Bind(ParseResult result)
    {
        var seconds = result.GetValue(timeout);
        return new FetchOptions
        {
            Parallelism = Positive(result.GetValue(jobs), "--jobs"),
            AttemptsPerSource = Positive(result.GetValue(retries), "--retries"),
            StallTimeout = seconds > 0 ? TimeSpan.FromSeconds(seconds) : throw new UsageException("--timeout must be more than 0 seconds"),
            AllowUnpinned = result.GetValue(allowUnpinned),
        };
    }

    private static int Positive(int value, string name) =>
        value > 0 ? value : throw new UsageException($"{name} must be at least 1");
}
