using System.CommandLine;
using Stratify.Data;
using System.Globalization;

namespace Stratify.Cli.Commands;

/// <summary>`stratify import data.csv --out data.parquet`: CSV export to Parquet with inferred types.</summary>
internal static class ImportCommand
{
    public static Command Create(CliContext context)
    {
        var input = new Argument<string>("csv") { Description = "The CSV file (header row, comma separated; empty and NA are missing)." };
        var output = new Option<string>("--out") { Description = "The Parquet file to write.", Required = true };
        var labels = new Option<string[]>("--label") { Description = "Readable labels for codes: col=1:male,2:female (repeatable).", AllowMultipleArgumentsPerToken = false };
        var command = new Command("import", "Convert a CSV export to Parquet, inferring column types.") { input, output, labels };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(input)!;
            var target = OutputPath.CheckFile(parse.GetValue(output), "--out", [path]);
            var cohort = CsvCohortReader.Read(path);
            var relabelled = cohort.Columns.ToList();
            foreach (var item in parse.GetValue(labels) ?? [])
            {
                int eq = item.IndexOf('=');
                if (eq <= 0) throw new StratifyInputException("--label needs col=value:label,...", "command line", value: item);
                var name = item[..eq];
                var at = relabelled.FindIndex(c => c.Name == name);
                if (at < 0) _ = cohort[name]; // throws "column not found" with the closest name
                relabelled[at] = ValueLabels.Apply(relabelled[at], ValueLabels.Parse(name, item[(eq + 1)..]), path);
            }
            var result = new Cohort(relabelled, path);
            ParquetCohortWriter.Write(result, target);
            context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {target}: {result.RowCount:N0} rows, {result.Columns.Count} columns"));
            foreach (var column in result.Columns)
                context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {column.Name,-16} {column.SourceType.ToString().ToLowerInvariant(),-9} {column.MissingCount,6} missing"));
            return CliApp.ExitOk;
        });
        return command;
    }
}
