using System.CommandLine;
using Nvsdk.Cli;
using Nvsdk.Cli.Commands;

// The composition root: build the command tree, run it, and turn every failure into one line and an exit code.
var root = new RootCommand("nvsdk: a reproducible, hash-pinned NVIDIA CUDA SDK for any Linux GPU host");
GlobalOptions.AddTo(root);
root.Add(CheckCommand.Create());
root.Add(PlanCommand.Create());
root.Add(FetchCommand.Create());
root.Add(InstallCommand.Create());
root.Add(EnvCommand.Create());
root.Add(ShellCommand.Create());
root.Add(GenerationsCommand.Create());
root.Add(StoreCommand.Create());
root.Add(UpdateCommand.Create());
root.Add(HostCommand.Create());
root.Add(DoctorCommand.Create());
root.Add(StatusCommand.Create());
root.Add(StatusCommand.CreateTop());
root.Add(SmokeCommand.Create());
root.Add(BundleCommand.Create());
root.Add(MirrorCommand.Create());
root.Add(CacheCommand.Create());
root.Add(ImageCommand.Create());
root.Add(ExporterCommand.Create());
root.Add(CompletionCommand.Create());
root.Add(ManCommand.Create());
root.Add(CdiHookCommand.Create());
root.Add(LicensesCommand.Create());
root.Add(SbomCommand.Create());
GlobalOptions.AddRootOptions(root);

return await CliRunner.RunAsync(root, args).ConfigureAwait(false);
