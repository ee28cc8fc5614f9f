using System.CommandLine;

namespace Nvsdk.Cli.Commands;

/// <summary>`nvsdk image export REF DIR`: the image's layers applied in order into a new folder.</summary>
internal static partial class ImageCommand
{
    private static Command Export()
    {
        var command = new Command("export", "Write an image's filesystem, layers applied in order (crane export semantics), into a new folder");
        return command;
    }
}
