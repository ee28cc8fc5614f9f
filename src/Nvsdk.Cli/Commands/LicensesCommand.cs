using System.CommandLine;
using Nvsdk.Cli.Output;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Gpu.Host;
using Nvsdk.Core.Host.Config;
using Nvsdk.Core.Licenses;
using Nvsdk.Core.Store;
using Spectre.Console;

namespace Nvsdk.Cli.Commands;

/// <summary>
/// `nvsdk licenses`: the licences the lock's components carry; `nvsdk licenses accept [--all | ID…]` records
/// acceptance once for the root. <see cref="Gate"/> is what `install` and `fetch` ask before downloading.
/// </summary>
internal static class LicensesCommand
{
    /// <summary>Where host.toml is read for acceptLicenses (NVSDK_HOST_CONFIG overrides it, for tests and containers).</summary>
    public const string HostConfigVariable = "NVSDK_HOST_CONFIG";

    public static Command Create()
    {
        var command = new Command("licenses", "List the licences of the lock's components: id, components, where the text is in the archive, upstream URL, accepted or not");
        command.SetAction(result =>
        {
            var context = CliContext.From(result);
            var lockFile = context.LoadLock();
            var recorded = new LicenseRecord(new StoreLayout(context.StoreRoot)).Read();
            var rows = LicenseRequirement.Of(lockFile.Components)
                .Select(r => new JsonLicense(r.License.Id, r.License.Name, r.License.Proprietary, r.Components, r.TextSources, r.Urls, recorded.FirstOrDefault(a => a.Id == r.License.Id && a.TextSha256 == LicenseAcceptance.TextSha256Of(r.License))))
                .ToList();
            if (context.Json)
            {
                JsonOut.Write(new JsonLicenses(context.StoreRoot, rows), LicenseJsonContext.Default.JsonLicenses);
            }
            else if (context.Text)
            {
                var table = new Table().Border(TableBorder.Rounded).AddColumns("licence", "components", "text in the archive", "upstream", "status");
                foreach (var row in rows)
                {
                    var status = !row.Proprietary ? "open source" : row.Accepted is { } a ? $"accepted by {a.User} {a.AcceptedAt:yyyy-MM-dd}" : "[yellow]not accepted[/]";
                    table.AddRow(Markup.Escape(row.Id), Markup.Escape(string.Join(", ", row.Components)), Markup.Escape(Lines(row.TextInArchive)), Markup.Escape(Lines(row.Urls)), status);
                }

                Stdout.Console.Write(table);
            }

            return ExitCodes.Ok;
        });
        command.Add(Accept());
        return command;
    }

    private static string Lines(IReadOnlyList<string> values) => values.Count == 0 ? "-" : string.Join('\n', values);

    private static Command Accept()
    {
        var ids = new Argument<string[]>("id") { Description = "Licence ids to accept (as `nvsdk licenses` lists them)", Arity = ArgumentArity.ZeroOrMore };
        var all = new Option<bool>("--all") { Description = "Accept every proprietary licence of the lock" };
        var command = new Command("accept", "Accept licences once for this root (recorded with the text's sha256, the time and the user)") { ids, all };
        command.SetAction(async (result, ct) =>
        {
            var context = CliContext.From(result);
            var known = LicenseRequirement.Of(context.LoadLock().Components).Select(r => r.License).Where(l => l.Proprietary).ToList();
            var asked = result.GetValue(ids) ?? [];
            if (result.GetValue(all) == (asked.Length > 0))
            {
                throw new UsageException("name the licences to accept, or pass --all (not both)", $"the lock's proprietary licences: {string.Join(", ", known.Select(l => l.Id))}");
            }

            var chosen = result.GetValue(all)
                ? known
                : asked.Select(id => known.FirstOrDefault(l => string.Equals(l.Id, id, StringComparison.OrdinalIgnoreCase))
                    ?? throw new UsageException($"'{id}' is not a proprietary licence of the lock", $"the lock's proprietary licences: {string.Join(", ", known.Select(l => l.Id))}")).Distinct().ToList();
            var record = new LicenseRecord(new StoreLayout(context.StoreRoot));
            var accepted = await record.AcceptAsync(chosen, new StoreOptions().LockTimeout, ct).ConfigureAwait(false);
            if (context.Json)
            {
                JsonOut.Write(new JsonLicensesAccepted(record.Path, accepted), LicenseJsonContext.Default.JsonLicensesAccepted);
            }
            else if (context.Text)
            {
                foreach (var a in accepted)
                {
                    Stdout.Console.MarkupLine($"[green]accepted[/] {Markup.Escape(a.Id)} (text sha256 {a.TextSha256[..12]}…) by {Markup.Escape(a.User)}, recorded in {Markup.Escape(record.Path)}");
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// The licence gate of `install` and `fetch`, asked before anything is downloaded: the recorded acceptances,
    /// --accept-licenses, NVSDK_ACCEPT_LICENSES and host.toml's acceptLicenses; throws naming what is missing.
    /// </summary>
    public static IReadOnlyList<LicenseGrant> Gate(CliContext context, Core.LockFile.LockFile lockFile, Core.Plan.Selection selection, bool flag)
    {
        var components = selection.Artifacts.Select(a => lockFile.Find(a.Component)).OfType<Core.LockFile.Component>().Distinct();
        var consent = new LicenseConsent(flag, Environment.GetEnvironmentVariable(LicenseConsent.EnvironmentVariable), HostConfigAcceptances());
        return LicenseGate.Check(LicenseRequirement.Of(components), new LicenseRecord(new StoreLayout(context.StoreRoot)).Read(), consent);
    }

    private static IReadOnlyList<string> HostConfigAcceptances()
    {
        var path = Environment.GetEnvironmentVariable(HostConfigVariable) is { Length: > 0 } p ? p : HostPaths.HostConfig;
        return File.Exists(path) ? HostConfigParser.Load(path).AcceptLicenses : [];
    }
}
