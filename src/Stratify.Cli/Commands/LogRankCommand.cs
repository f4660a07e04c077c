using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Stratify.Data;
using Stratify.Reporting;
using Stratify.Survival;

namespace Stratify.Cli.Commands;

/// <summary>`stratify logrank`: k-group log-rank / Fleming–Harrington test, stratified, pairwise, trend.</summary>
internal static class LogRankCommand
{
    public static Command Create(CliContext context)
    {
        var study = new StudyOptions();
        var format = OutputFormats.Option(OutputFormat.Table, OutputFormat.Json);
        var rho = new Option<double>("--rho") { Description = "Fleming–Harrington G(rho) weight: 0 = log-rank (default), 1 = Peto–Peto.", DefaultValueFactory = _ => 0 };
        var pairwise = new Option<string?>("--pairwise") { Description = "Pairwise comparisons adjusted by holm, bh or bonferroni (or none)." };
        var trend = new Option<bool>("--trend") { Description = "Also test for a trend across the groups in their level order." };
        var command = new Command("logrank", "Compare survival between groups (--group), optionally stratified (--strata).") { format, rho, pairwise, trend };
        study.AddWithWeightsTo(command);
        command.SetAction(parse =>
        {
            var output = OutputFormats.Parse(parse.GetValue(format), OutputFormat.Table, OutputFormat.Json);
            var spec = study.ToSpec(parse);
            if (spec.Group is null)
                throw new StratifyInputException("the log-rank test compares groups: name the grouping column", spec.SourceFile ?? "command line",
                    suggestion: "Pass --group <column> (or set group: in the spec).");
            double weight = parse.GetValue(rho);
            if (!double.IsFinite(weight) || weight < 0)
                throw new StratifyInputException("rho must be a number ≥ 0", "--rho", value: weight.ToString(CultureInfo.InvariantCulture));
            var bound = StudyBinder.Load(spec);
            StudyBinder.RequirePositiveWeights(bound, "the weighted log-rank test");
            var result = LogRankTest.Compute(SurvivalData.From(bound, bound.Group), new LogRankOptions
            {
                Rho = weight,
                Pairwise = ParseAdjustment(parse.GetValue(pairwise)),
                Trend = parse.GetValue(trend),
            });
            Stratify.Diagnostics.StageTimings.Mark("fit");
            var counting = SurvivalJson.CountingProcess(result, CountingProcessJson.From(bound));
            if (output == OutputFormat.Json)
            {
                JsonOutput.Write(SurvivalJson.From(result, spec.Weight) with { CountingProcess = counting }, context.Out);
                OutputFormats.NoteDropped(context, bound);
                return CliApp.ExitOk;
            }
            var console = OutputFormats.Console(context);
            string test = result.Weighted
                ? $"Weighted log-rank (score test of the Cox model weighted by {spec.Weight}{(counting is null ? "" : $", {counting.Describe()}")}, Efron ties, {(result.Robust ? "robust" : "model-based")} variance)"
                : counting is not null
                    ? $"Log-rank, {counting.Describe()} (score test of the Cox model, Efron ties, variance {counting.Variance}; R's survdiff takes no counting-process data)"
                    : weight == 0 ? "Log-rank" : $"Fleming–Harrington (rho = {Text.Number(weight)})";
            console.Write(OutputFormats.Grid($"{test} test by {bound.Group!.Name}{(bound.Strata is null ? "" : $", stratified by {bound.Strata.Name}")}",
                ["Group", spec.Start is null ? "n" : "Rows", result.Weighted ? "Observed (weighted)" : "Observed", "Expected", "O/E"],
                result.Groups.Select(g => (IEnumerable<string>)[g.Group, g.N.ToString(CultureInfo.InvariantCulture), Text.Number(g.Observed), Text.Number(g.Expected), Text.Number(g.Observed / g.Expected, 3)])));
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Chi-square = {Text.Number(result.Statistic)} on {result.DegreesOfFreedom} df, {Text.PClause(result.PValue)}"));
            if (result.DegreesOfFreedom <= 0) console.WriteLine(NothingToTest);
            if (result.Trend is { } t) console.WriteLine($"Test for trend: chi-square = {Text.Number(t.Statistic)} on 1 df, {Text.PClause(t.PValue)}");
            if (bound.Causes is { CauseCount: > 1 } causes)
                console.WriteLine($"Cause-specific: patients with a competing event ({string.Join(", ", causes.Competing)}) are censored, so this compares the rate of {causes.EventOfInterest} " +
                    "among patients still free of every event; to compare its cumulative incidence use Gray's test (stratify cuminc).");
            OutputFormats.WriteDropped(console, bound);
            if (result.Pairwise.Count > 0)
                console.Write(OutputFormats.Grid($"Pairwise comparisons ({SurvivalJson.AdjustmentName(result.Pairwise[0].Method)} adjusted)", ["Group A", "Group B", "Chi-square", "p", "Adjusted p"],
                    result.Pairwise.Select(p => (IEnumerable<string>)[p.GroupA, p.GroupB, Text.Number(p.Statistic), Text.P(p.PValue), Text.P(p.PAdjusted)])));
            if (result.Pairwise.Any(p => double.IsNaN(p.PValue))) console.WriteLine(NothingToTest + " Such a pair is left out of the adjustment.");
            return CliApp.ExitOk;
        });
        return command;
    }

    /// <summary>Why a p-value is NA: the test had 0 degrees of freedom (R would print p = 1).</summary>
    private const string NothingToTest = "p = NA: only one group was at risk at the event times, so there is nothing to compare (0 degrees of freedom).";

    public static PValueAdjustment? ParseAdjustment(string? text) => text?.ToLowerInvariant() switch
    {
        null => null,
        "holm" => PValueAdjustment.Holm,
        "bh" or "fdr" or "benjamini-hochberg" => PValueAdjustment.BenjaminiHochberg,
        "bonferroni" => PValueAdjustment.Bonferroni,
        "none" => PValueAdjustment.None,
        _ => throw new StratifyInputException("unknown p-value adjustment", "--pairwise", value: text, suggestion: "Use holm, bh, bonferroni or none."),
    };
}
