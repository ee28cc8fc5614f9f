using System.CommandLine;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Fetch;

namespace Nvsdk.Cli.Commands;

/// <summary>
/// What `fetch` and `install` share: the components argument, --system, the download options, and turning
/// them into a validated selection before anything is written.
/// </summary>
internal sealed class FetchOptionsBinder(string verb)
{
    private readonly Argument<string[]> components = new("components") { Description = $"Components to {verb} (default: all pinned ones)", Arity = ArgumentArity.ZeroOrMore };
    private readonly Option<string?> system = GlobalOptions.System($"{char.ToUpperInvariant(verb[0])}{verb[1..]} for this system instead of the host's");
    private readonly Option<bool> allowUnpinned = new("--allow-unpinned") { Description = "Include entries the lock does not pin, and print their digests" };
    private readonly Option<int> jobs = new("--jobs", "-j") { Description = "Artifacts at once (default: one per core, fewer when memory is short)", DefaultValueFactory = _ => Core.Platform.MachineCapacity.Workers };
    private readonly Option<int> retries = new("--retries") { Description = "Attempts per source for 5xx, timeouts and resets", DefaultValueFactory = _ => 4 };
    private readonly Option<double> timeout = new("--timeout") { Description = "Seconds a connection may stall before the attempt fails", DefaultValueFactory = _ => 30 };
    private readonly Option<bool> acceptLicenses = new("--accept-licenses") { Description = "Accept the licences of what this command installs (list them with `nvsdk licenses`)" };

    public void AddTo(Command command)
    {
        command.Add(components);
        command.Add(system);
        command.Add(allowUnpinned);
        command.Add(jobs);
        command.Add(retries);
        command.Add(timeout);
        command.Add(acceptLicenses);
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

    /// <summary>
    /// The lock's artifacts the command line asks for, once their proprietary licences are accepted; throws one
    /// clear error for any bad input, before anything is downloaded or written.
    /// </summary>
    public FetchRequest Select(ParseResult result, CliContext context)
    {
        var options = Bind(result);
        var lockFile = context.LoadLock();
        var selection = Core.Plan.ArtifactSelection.Select(lockFile, result.GetValue(components) ?? [], GlobalOptions.ResolveSystem(result.GetValue(system)), options.AllowUnpinned);
        var licenses = LicensesCommand.Gate(context, lockFile, selection, result.GetValue(acceptLicenses));
        return new FetchRequest(lockFile, selection, options, licenses);
    }

    private static int Positive(int value, string name) =>
        value > 0 ? value : throw new UsageException($"{name} must be at least 1");
}

/// <summary>What `fetch` and `install` go on with: the lock, the selection, the download options and the licence grants.</summary>
internal sealed record FetchRequest(Core.LockFile.LockFile Lock, Core.Plan.Selection Selection, FetchOptions Options, IReadOnlyList<Core.Licenses.LicenseGrant> Licenses)
{
    public void Deconstruct(out Core.LockFile.LockFile lockFile, out Core.Plan.Selection selection, out FetchOptions options) =>
        (lockFile, selection, options) = (Lock, Selection, Options);
}
