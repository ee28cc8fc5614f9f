using System.CommandLine;
using Nvsdk.Cli.Output;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Gpu.Host;
using Nvsdk.Core.Sdk;
using Nvsdk.Core.Store;

namespace Nvsdk.Cli.Commands;

/// <summary>`nvsdk env`: the export lines for the current SDK generation (eval "$(nvsdk env)").</summary>
internal static class EnvCommand
{
    public static Command Create()
    {
        var command = new Command("env", "Print the environment of the current SDK generation as `export` lines (or --json), with CUDAARCHS for this host's GPUs")
        {
            DoctorCommand.HostRoot,
            DoctorCommand.FromSnapshot,
        };
        command.SetAction(result =>
        {
            var context = CliContext.From(result);
            var environment = Resolve(context, out _, result);
            if (context.Json)
            {
                JsonOut.Write(new JsonEnv(environment.Set.ToDictionary(), environment.Prepend.ToDictionary(), environment.ApplyTo(Snapshot())), CliJsonContext.Default.JsonEnv);
            }
            else
            {
                Console.Out.Write(environment.ToShell());
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// The current generation's environment, rooted at the stable `current` link, with the GPU architectures of
    /// this host (or of the snapshot given with --from-snapshot).
    /// </summary>
    public static SdkEnvironment Resolve(CliContext context, out GenerationRecord record, ParseResult? result = null)
    {
        var generations = new Generations(new StoreLayout(context.StoreRoot));
        record = generations.Current() ?? throw new UsageException(
            $"no SDK is installed under {context.StoreRoot}",
            "run `nvsdk install` first (or pass the --root you installed into)");
        var targets = result?.GetValue(DoctorCommand.FromSnapshot) is { } snapshot
            ? HostTargets.Of(SnapshotFile.Read(snapshot))
            : HostTargets.Live(result?.GetValue(DoctorCommand.HostRoot) ?? "/");
        return SdkEnvironment.For(generations.CurrentLink, record.Components.Select(c => c.Name), targets);
    }

    public static IReadOnlyDictionary<string, string?> Snapshot() =>
        Environment.GetEnvironmentVariables().Keys.OfType<string>().ToDictionary(k => k, Environment.GetEnvironmentVariable, StringComparer.Ordinal);
}
