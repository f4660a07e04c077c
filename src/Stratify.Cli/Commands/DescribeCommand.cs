using System.CommandLine;
using Spectre.Console;
using Stratify.Description;
using Stratify.Reporting;

namespace Stratify.Cli.Commands;

/// <summary>`stratify describe`: schema, missingness and Table 1, overall and by a grouping column.</summary>
internal static class DescribeCommand
{
    public static Command Create(CliContext context)
    {
        var study = new StudyOptions();
        var format = OutputFormats.Option(OutputFormat.Table, OutputFormat.Json, OutputFormat.Csv, OutputFormat.Markdown);
        var nonparametric = new Option<bool>("--nonparametric") { Description = "Kruskal–Wallis as the primary test of numeric variables." };
        var command = new Command("describe", "Print the schema, missing values per column and a Table 1 (overall and by --group).") { format, nonparametric };
        study.AddTo(command);
        command.SetAction(parse =>
        {
            var output = OutputFormats.Parse(parse.GetValue(format), OutputFormat.Table, OutputFormat.Json, OutputFormat.Csv, OutputFormat.Markdown);
            var spec = study.ToSpec(parse);
            StudyOptions.RequireOneRowPerPatient(spec, "stratify describe");
            var description = CohortDescriber.Describe(spec, parse.GetValue(nonparametric) ? NumericTestPreference.Nonparametric : NumericTestPreference.Parametric);
            switch (output)
            {
                case OutputFormat.Json: context.Out.WriteLine(DescriptionFormats.ToJson(description)); break;
                case OutputFormat.Csv: context.Out.Write(DescriptionFormats.ToCsv(description)); break;
                case OutputFormat.Markdown: context.Out.WriteLine(DescriptionFormats.ToMarkdown(description)); break;
                default:
                    var console = OutputFormats.Console(context);
                    var schema = Table1Formats.ToGrid(description.Schema);
                    console.Write(OutputFormats.Grid($"Columns of {description.Source}", schema.Header, schema.Rows.Select(r => (IEnumerable<string>)r)));
                    console.WriteLine(DescriptionFormats.DroppedSentence(description));
                    var grid = Table1Formats.ToGrid(description.Table1);
                    console.Write(OutputFormats.Grid("Table 1", grid.Header, grid.Rows.Select(r => (IEnumerable<string>)r.Cells)));
                    break;
            }
            return CliApp.ExitOk;
        });
        return command;
    }
}
