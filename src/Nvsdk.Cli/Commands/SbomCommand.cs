using System.CommandLine;
using System.Text.Json;
using Nvsdk.Cli.Output;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Sbom;
using Nvsdk.Core.Sdk;
using Nvsdk.Core.Store;

namespace Nvsdk.Cli.Commands;

/// <summary>`nvsdk sbom [--generation N] [--format cyclonedx|spdx]`: a generation's software bill of materials.</summary>
internal static class SbomCommand
{
    public static Command Create()
    {
        var generation = new Option<int?>("--generation") { Description = "The generation (default: the current one)" };
        var format = new Option<string>("--format") { Description = "cyclonedx (the generation's sbom.cdx.json, CycloneDX 1.6) or spdx (SPDX 2.3 JSON)", DefaultValueFactory = _ => "cyclonedx" };
        format.AcceptOnlyFromAmong("cyclonedx", "spdx");
        var command = new Command("sbom", "Print a generation's SBOM: every component and artifact with its SHA-256, sources, licence and unpacked tree hash") { generation, format };
        command.SetAction(result =>
        {
            var context = CliContext.From(result);
            var generations = new Generations(new StoreLayout(context.StoreRoot));
            var number = result.GetValue(generation) ?? generations.CurrentNumber() ?? throw new UsageException(
                $"no SDK is installed under {context.StoreRoot}",
                "run `nvsdk install` first (or pass the --root you installed into)");
            var path = Path.Combine(generations.PathOf(number), SbomBuilder.FileName);
            if (!File.Exists(path))
            {
                throw new UsageException(
                    $"generation {number} has no {SbomBuilder.FileName}",
                    generations.List().Any(g => g.Number == number) ? "it was built by an nvsdk without SBOMs: `nvsdk install` builds a new generation with one" : "`nvsdk generations list` shows the generations there are");
            }

            var bytes = File.ReadAllBytes(path);
            if (result.GetValue(format) == "spdx")
            {
                var bom = JsonSerializer.Deserialize(bytes, SbomJsonContext.Default.CycloneDxBom) ?? throw new UsageException($"{path} is empty");
                JsonOut.Write(SpdxConverter.Convert(bom), SbomJsonContext.Default.SpdxDocument);
            }
            else
            {
                using var stdout = Console.OpenStandardOutput();
                stdout.Write(bytes);
                Console.Out.WriteLine();
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
