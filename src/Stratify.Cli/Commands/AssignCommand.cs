using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Stratify.Data;
using Stratify.Reporting;

namespace Stratify.Cli.Commands;

/// <summary>`stratify assign MODEL.json NEW.parquet --out FILE`: places new patients in a run's subgroups, each with its subgroup's estimated effect.</summary>
internal static class AssignCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Argument<string>("model") { Description = "The model.json a `stratify run` wrote." };
        var input = new Argument<string>("input") { Description = "The new patients: a Parquet file or folder with the model's feature columns." };
        var output = new Option<string>("--out") { Description = "Write patient → subgroup, its description and estimated effect to this .parquet or .csv file.", Required = true };
        var command = new Command("assign", "Place new patients in the subgroups of a run (model.json), each with the subgroup's estimated treatment effect and interval.")
            { model, input, output };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(output)!;
            if (!path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) && !path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
                throw new StratifyInputException("the output file must end in .parquet or .csv", "--out", value: path);
            var document = SubgroupModelDocument.Read(parse.GetValue(model)!);
            var cohort = ParquetCohortReader.Read(parse.GetValue(input)!);
            var table = document.Assign(cohort);
            AssignmentFile.Write(path, table);
            var subgroup = (CategoricalColumn)table["subgroup"];
            var counts = subgroup.LevelCounts();
            var console = OutputFormats.Console(context);
            console.Write(OutputFormats.Grid(string.Create(CultureInfo.InvariantCulture, $"{cohort.RowCount:N0} patients placed by {document.Model.Placement} ({document.Model.Method})"),
                ["Subgroup", "Description", "Patients", "Estimated effect (HR, 95% CI)", "Verdict"],
                document.Subgroups.Select(s => (IEnumerable<string>)[s.Id, s.Description,
                    Count(subgroup, counts, s.Id), s.Effect is { } e ? Text.WithInterval(e.Hr, e.HrLower, e.HrUpper, 3) : "no treatment", s.Effect?.Verdict ?? ""])
                .Append(["unassigned", "a value the rule needs is missing", Count(subgroup, counts, "unassigned"), "", ""])));
            if (document.Treatment is { } treatment)
                console.WriteLine($"Estimates from the run ({treatment.Column}: {treatment.Treated} vs {treatment.Reference}): {treatment.Inference}");
            context.Error.WriteLine($"wrote {path}");
            return CliApp.ExitOk;
        });
        return command;
    }

    private static string Count(CategoricalColumn subgroup, int[] counts, string level)
    {
        int at = Array.IndexOf(subgroup.Levels, level);
        return (at < 0 ? 0 : counts[at]).ToString(CultureInfo.InvariantCulture);
    }
}
