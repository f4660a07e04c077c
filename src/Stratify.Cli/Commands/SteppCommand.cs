using System.CommandLine;
using System.Globalization;
using System.Text;
using Spectre.Console;
using Stratify.Data;
using Stratify.Reporting;
using Stratify.Reporting.Charts;
using Stratify.Stratification;

namespace Stratify.Cli.Commands;

/// <summary>`stratify stepp INPUT --marker COLUMN --treatment ARM`: the treatment effect along a continuous marker (STEPP).</summary>
internal static class SteppCommand
{
    public static Command Create(CliContext context)
    {
        var study = new StudyOptions();
        var format = OutputFormats.Option(OutputFormat.Table, OutputFormat.Json);
        var marker = new Option<string?>("--marker") { Description = "The continuous marker column (required unless the spec's subgroups name one)." };
        var window = new Option<int?>("--window") { Description = "Patients per window (n2; default a fifth of the patients)." };
        var overlap = new Option<int?>("--overlap") { Description = "Most patients two consecutive windows share (n1; default two thirds of a window)." };
        var permutations = new Option<int>("--permutations") { Description = "Permutations of the heterogeneity test (0 = none).", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int?>("--seed") { Description = "Seed of the permutations (default: the spec's seed, else 1)." };
        var rmst = new Option<double?>("--rmst") { Description = "Horizon of the RMST difference (default: the shortest of the windows' arms' longest follow-up)." };
        var plot = new Option<string?>("--plot") { Description = "Write the STEPP plot to this .svg file." };
        var plotEffect = new Option<string>("--plot-effect") { Description = "What the plot shows: hr (default, log scale) or rmst.", DefaultValueFactory = _ => "hr" };
        var command = new Command("stepp", "Treatment effect (HR and RMST difference) in overlapping windows of a continuous marker, with a permutation test of heterogeneity (STEPP).")
            { format, marker, window, overlap, permutations, seed, rmst, plot, plotEffect };
        study.AddTo(command);
        command.SetAction(parse =>
        {
            var shape = OutputFormats.Parse(parse.GetValue(format), OutputFormat.Table, OutputFormat.Json);
            var spec = study.ToSpec(parse);
            var name = parse.GetValue(marker) ?? spec.Subgroups?.Marker
                ?? throw new StratifyInputException("no marker given", spec.SourceFile ?? "command line", suggestion: "Pass --marker COLUMN (a continuous measurement).");
            var scale = (parse.GetValue(plotEffect) ?? "hr").ToLowerInvariant() switch
            {
                "hr" => SteppEffectScale.HazardRatio,
                "rmst" => SteppEffectScale.Difference,
                var other => throw new StratifyInputException("unknown value for --plot-effect", "--plot-effect", value: other, suggestion: "Use hr or rmst."),
            };
            if (parse.GetValue(plot) is { } svgPath && !svgPath.EndsWith(".svg", StringComparison.OrdinalIgnoreCase))
                throw new StratifyInputException("the plot file must end in .svg", "--plot", value: svgPath);
            var subgroups = (spec.Subgroups ?? new SubgroupSpec()) with
            {
                Method = SubgroupMethod.Stepp,
                Marker = name,
                WindowPatients = parse.GetValue(window) ?? spec.Subgroups?.WindowPatients,
                WindowOverlap = parse.GetValue(overlap) ?? spec.Subgroups?.WindowOverlap,
                Permutations = parse.GetValue(permutations),
            };
            // The marker binds as a numeric feature: a patient without it takes no part (and is counted on stderr).
            var features = subgroups.Features.Any(f => f.Column == name) ? subgroups.Features : [new CovariateSpec(name, CovariateKind.Numeric), .. subgroups.Features];
            var bound = StudyBinder.Load(spec with { Subgroups = subgroups with { Features = features } });
            var observed = PredictiveSubgroups.WithMarker(PredictiveSubgroups.Marker(bound, subgroups), Survival.SurvivalOrder.Identity(bound.RowCount));
            if (observed.Length < bound.RowCount)
                context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"note: {bound.RowCount - observed.Length:N0} patients without {name} take no part"));
            var covariates = bound.Treatment is null ? [] : StratificationRun.TreatmentCovariates(spec, bound);
            var result = PredictiveSubgroups.Stepp(bound, subgroups, observed, parse.GetValue(seed) ?? spec.Seed, covariates, parse.GetValue(rmst));
            var treatment = bound.Treatment!;
            var (reference, treated) = PredictiveSubgroups.ArmNames(treatment);
            var json = PredictiveJson.From(result, treatment.Name, (reference, treated));
            if (parse.GetValue(plot) is { } file)
            {
                var svg = SteppChart.Render(SteppChart.Input(json, scale, $"{treatment.Name} = {treated}", reference, spec.TimeUnit.ToString().ToLowerInvariant()));
                var full = Path.GetFullPath(file);
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                File.WriteAllText(full, svg + "\n", new UTF8Encoding(false));
            }
            if (shape == OutputFormat.Json)
            {
                JsonOutput.Write(json, context.Out);
                OutputFormats.NoteDropped(context, bound);
                return CliApp.ExitOk;
            }
            string I(int n) => n.ToString(CultureInfo.InvariantCulture);
            var console = OutputFormats.Console(context);
            console.Write(OutputFormats.Grid(
                string.Create(CultureInfo.InvariantCulture, $"STEPP of {name} ({treatment.Name}: {treated} vs {reference}): {result.Windows.Count} windows of about {I(result.PatientsPerWindow)} patients, at most {I(result.Overlap)} shared; RMST to {Text.Number(result.RmstHorizon)}"),
                ["Window", $"{name} range", "Median", $"n ({reference}/{treated})", $"Events ({reference}/{treated})", "HR (95% CI)", "RMST difference (95% CI)"],
                json.Windows.Append(null).Select(w => w is null
                    ? (IEnumerable<string>)["overall", "", "", $"{I(result.OverallCounts.ReferencePatients)}/{I(result.OverallCounts.TreatedPatients)}",
                        $"{I(result.OverallCounts.ReferenceEvents)}/{I(result.OverallCounts.TreatedEvents)}",
                        Text.WithInterval(json.Overall.Hr, json.Overall.HrLower, json.Overall.HrUpper, 3),
                        Text.WithInterval(json.Overall.RmstDifference, json.Overall.RmstDifferenceLower, json.Overall.RmstDifferenceUpper, 3)]
                    : [I(w.Window), $"{Text.Number(w.MarkerLower)}–{Text.Number(w.MarkerUpper)}", Text.Number(w.MarkerMedian),
                        $"{I(w.ReferencePatients)}/{I(w.TreatedPatients)}", $"{I(w.ReferenceEvents)}/{I(w.TreatedEvents)}",
                        Text.WithInterval(w.Effect.Hr, w.Effect.HrLower, w.Effect.HrUpper, 3),
                        Text.WithInterval(w.Effect.RmstDifference, w.Effect.RmstDifferenceLower, w.Effect.RmstDifferenceUpper, 3)])));
            if (json.Test is { } test)
                console.WriteLine($"Heterogeneity: largest standardised difference between a window's log HR and the overall one = {Text.Number(test.Statistic)}, " +
                    string.Create(CultureInfo.InvariantCulture, $"permutation {Text.PClause(test.P)} ({test.Permutations:N0} permutations, seed {test.Seed})."));
            OutputFormats.WriteDropped(console, bound);
            return CliApp.ExitOk;
        });
        return command;
    }
}
