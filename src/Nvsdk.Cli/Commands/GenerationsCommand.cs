using System.CommandLine;
using Nvsdk.Cli.Output;
using Nvsdk.Core.Sdk;
using Nvsdk.Core.Store;
using Spectre.Console;

namespace Nvsdk.Cli.Commands;

/// <summary>`nvsdk generations list | switch N | rollback`.</summary>
internal static class GenerationsCommand
{
    public static Command Create()
    {
        var command = new Command("generations", "List SDK generations, switch between them, roll back");
        command.Add(List());
        command.Add(Switch());
        command.Add(Rollback());
        return command;
    }

    private static Generations Open(CliContext context) => new(new StoreLayout(context.StoreRoot));

    private static Command List()
    {
        var command = new Command("list", "List generations; the current one is marked");
        command.SetAction(result =>
        {
            var context = CliContext.From(result);
            var generations = Open(context);
            var current = generations.CurrentNumber();
            var all = generations.List();
            if (context.Json)
            {
                JsonOut.Write(new JsonGenerations(generations.CurrentLink, all.Select(g => JsonGeneration.From(g, generations, g.Number == current)).ToList()), CliJsonContext.Default.JsonGenerations);
            }
            else if (context.Text)
            {
                var table = new Table().Border(TableBorder.Rounded).AddColumns("", "generation", "created", "system", "components");
                foreach (var g in all)
                {
                    table.AddRow(g.Number == current ? "[green]*[/]" : string.Empty, g.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), g.CreatedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture), g.System, Markup.Escape(string.Join(", ", g.Components.Select(c => $"{c.Name} {c.Version}"))));
                }

                Stdout.Console.Write(table);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Switch()
    {
        var number = new Argument<int>("generation") { Description = "The generation to make current" };
        var command = new Command("switch", "Make generation N current (atomic)") { number };
        command.SetAction(result => Report(CliContext.From(result), g => g.Switch(result.GetValue(number))));
        return command;
    }

    private static Command Rollback()
    {
        var command = new Command("rollback", "Make the generation before the current one current again (atomic)");
        command.SetAction(result => Report(CliContext.From(result), g => g.Rollback()));
        return command;
    }

    private static int Report(CliContext context, Func<Generations, GenerationRecord> change)
    {
        var generations = Open(context);
        var record = change(generations);
        if (context.Json)
        {
            JsonOut.Write(JsonGeneration.From(record, generations, true), CliJsonContext.Default.JsonGeneration);
        }
        else if (context.Text)
        {
            Stdout.Console.MarkupLine($"current is now generation {record.Number}: {Markup.Escape(string.Join(", ", record.Components.Select(c => $"{c.Name} {c.Version}")))}");
        }

        return ExitCodes.Ok;
    }
}
