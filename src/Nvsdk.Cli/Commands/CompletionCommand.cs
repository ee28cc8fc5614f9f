using System.CommandLine;
using Nvsdk.Cli.Reference;

namespace Nvsdk.Cli.Commands;

/// <summary>`nvsdk completion bash|zsh|fish`: a completion script generated from the running command tree.</summary>
internal static class CompletionCommand
{
    public static Command Create()
    {
        var shell = new Argument<string>("shell") { Description = "The shell to complete for: bash, zsh or fish" };
        shell.AcceptOnlyFromAmong("bash", "zsh", "fish");
        var command = new Command("completion", "Print a shell completion script: source <(nvsdk completion bash), or install it where the shell loads completions")
        {
            shell,
        };
        command.SetAction(result =>
        {
            var tree = CommandNode.From(result.RootCommandResult.Command);
            Console.Out.Write(result.GetValue(shell) switch
            {
                "zsh" => ZshCompletion.Generate(tree),
                "fish" => FishCompletion.Generate(tree),
                _ => BashCompletion.Generate(tree),
            });
            return ExitCodes.Ok;
        });
        return command;
    }
}
