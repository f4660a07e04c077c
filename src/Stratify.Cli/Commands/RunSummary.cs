using Stratify.Reporting;
using System.Globalization;

namespace Stratify.Cli.Commands;

/// <summary>
/// What `stratify run` prints when it is done, bottom line first: with a treatment, the overall effect (adjusted
/// hazard ratio, unadjusted beside it, RMST difference) and whether it differs between subgroups, then the
/// subgroups with their verdicts, how far the p-values can be trusted, and the patients each stage analysed and the
/// rows it left out (the stage lines). Every sentence comes from results.json, where small counts are
/// already masked.
/// </summary>
internal static class RunSummary
{
    public static void Write(TextWriter output, ResultsDocument results, IEnumerable<string> stageLines)
    {
        int threshold = results.Study.SmallCellThreshold;
        if (results.CompetingRisks is { } cr) WriteCompetingRisks(output, results, cr);
        if (results.Treatment is { } t)
        {
            output.WriteLine($"Bottom line: {RunSentences.Arm(t, t.Treated)} vs {RunSentences.Arm(t, t.Reference)} ({(t.Design == "observational" ? "observational: not randomised" : "randomised")})");
            if (RunSentences.ObservationalBanner(t) is { } banner) output.WriteLine($"  {banner}");
            var overall = t.Overall;
            if (overall.Estimable == "yes")
            {
                var line = $"  Overall{(results.CompetingRisks is null ? "" : " (cause-specific hazard)")}: {RunSentences.Estimate(t, overall)}";
                if (overall.Unadjusted is { } u) line += $"; unadjusted HR {RunSentences.Ratio(u.Hr)} ({RunSentences.Ratio(u.HrLower)}–{RunSentences.Ratio(u.HrUpper)})";
                output.WriteLine(line);
            }
            output.WriteLine($"  {overall.Sentence}");
            output.WriteLine($"  {t.BottomLine.Sentence}");
            output.WriteLine("Subgroups:");
            foreach (var e in t.BySubgroup) output.WriteLine($"  {e.Subgroup}: {e.Verdict}. {e.Sentence}");
        }
        else
        {
            output.WriteLine("Subgroups:");
            foreach (var g in results.Subgroups) output.WriteLine($"  subgroup {g.Id}: n = {ResultsMapping.Count(g.N, threshold)}, {g.Description}");
        }
        var statement = results.Inference.Statement;
        output.WriteLine($"{(results.Inference.Exploratory ? "Exploratory" : "Validated on held-out patients")}: {char.ToLowerInvariant(statement[0])}{statement[1..]}");
        output.WriteLine("Patients by stage:");
        foreach (var line in stageLines) output.WriteLine($"  {line}");
    }

    /// <summary>
    /// Competing risks first: what competes with the event and why it matters, the cumulative incidence of the event
    /// of interest by subgroup at each landmark (subgroups below the small-cell threshold not described) with Gray's
    /// test, and with a treatment its effect on both hazard scales and as differences in cumulative incidence.
    /// </summary>
    private static void WriteCompetingRisks(TextWriter output, ResultsDocument results, CompetingRisksRunJson cr)
    {
        int threshold = results.Study.SmallCellThreshold;
        output.WriteLine($"Competing risks: {cr.Statement.Text}");
        string unit = results.Study.Endpoint.TimeUnit;
        foreach (var t in cr.Landmarks)
        {
            var parts = cr.BySubgroup.Groups.Select(g => g.N < threshold ? string.Create(CultureInfo.InvariantCulture, $"subgroup {g.Group} not described (n <{threshold})")
                : g.At.FirstOrDefault(a => a.Time == t) is { } at && double.IsFinite(at.Cuminc)
                    ? $"subgroup {g.Group} {Percent(at.Cuminc)} ({Percent(at.Lower)}–{Percent(at.Upper)})"
                    : $"subgroup {g.Group} NA");
            output.WriteLine($"  Cumulative incidence of {cr.EventOfInterest} by {t.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)} {unit}: {string.Join("; ", parts)}");
        }
        if (cr.BySubgroup.GrayTest is { } gray)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  Gray's test between subgroups: χ² = {gray.Statistic.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)}, df = {gray.Df}, {RunSentences.PEquals(gray.P)}"));
        if (cr.Treatment is { } treatment) output.WriteLine($"  {treatment.Overall.Sentence.Text}");
    }

    private static string Percent(double p) => double.IsFinite(p) ? (100 * p).ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + "%" : "NA";
}
