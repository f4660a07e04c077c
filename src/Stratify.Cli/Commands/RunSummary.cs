using Stratify.Reporting;

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
        if (results.Treatment is { } t)
        {
            output.WriteLine($"Bottom line: {RunSentences.Arm(t, t.Treated)} vs {RunSentences.Arm(t, t.Reference)} ({(t.Design == "observational" ? "observational: not randomised" : "randomised")})");
            if (RunSentences.ObservationalBanner(t) is { } banner) output.WriteLine($"  {banner}");
            var overall = t.Overall;
            if (overall.Estimable == "yes")
            {
                var line = $"  Overall: {RunSentences.Estimate(t, overall)}";
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
}
