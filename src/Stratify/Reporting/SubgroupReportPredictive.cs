// The subgroup report's parts for predictive subgroups (interaction tree, STEPP): on the first screen, after the
// bottom line (the interaction evidence comes first, as the subgroup-reporting guidance asks: Wang et al. 2007;
// Rothwell 2005; EMA 2019), one plain sentence on which rule defined the subgroups and how far it can be trusted; in
// the Subgroups section, the tree drawn with its tests and each leaf's n, events and effect (counts under the
// small-cell rule, as in every table), and the STEPP plot of the effect along the marker.
using System.Globalization;
using Stratify.Reporting.Charts;
using Stratify.Reporting.Html;

namespace Stratify.Reporting;

internal static partial class SubgroupReport
{
    private const string GuidanceCitation = "(Wang et al. 2007; Rothwell 2005; EMA 2019)";

    /// <summary>The first screen's sentence on the rule behind the subgroups (interaction tree and STEPP runs only).</summary>
    private static void WriteSubgroupRule(ReportContext report)
    {
        var results = report.Results;
        var discovery = results.Discovery;
        var inference = results.Inference;
        string honesty = inference.Exploratory
            ? "the rule was chosen on the same patients whose effects are reported, so the differences look larger than they are"
            : $"the rule was chosen on {report.Cells.Count(inference.DiscoveryN)} patients and every estimate comes from the other "
                + $"{report.Cells.Count(inference.EstimationN)}, so the estimates are honest, but the rule was not specified in advance";
        if (discovery.InteractionTree is { } tree)
        {
            // Without a split the bottom line already says that no rule was found.
            if (tree.Leaves.Count == 1) return;
            string features = string.Join(", ", discovery.Features);
            string text = $"Which patients benefit more? The subgroups are the leaves of an interaction tree, which searched {features} for the splits "
                    + $"where the treatment effect differs most: {Rules(results)}. Whether the effect really differs between them is the test of "
                    + $"interaction in the bottom line, not the tree's own search; {honesty}. A rule found in the data is exploratory until it is "
                    + $"confirmed in independent patients {GuidanceCitation}.";
            report.Html.Callout(text, CalloutKind.Note);
        }
        else if (discovery.Stepp is { } stepp)
        {
            string test = stepp.Test is { } t ? $" (permutation test of heterogeneity {RunSentences.PEquals(t.P)})" : "";
            report.Html.Callout($"Which patients benefit more? The subgroups are bands of {stepp.Marker} cut at its quantiles without looking at "
                + $"outcomes ({Rules(results)}); the STEPP plot under Subgroups shows how the treatment effect changes along {stepp.Marker}{test}. "
                + "Whether the effect differs between the bands is the test of interaction in the bottom line. A marker chosen in the data is "
                + $"exploratory until the finding is confirmed in independent patients {GuidanceCitation}.", CalloutKind.Note);
        }
    }

    private static string Rules(ResultsDocument results) =>
        string.Join("; ", results.Subgroups.Select(s => $"{s.Id}: {s.Rule ?? s.Description}"));

    /// <summary>The interaction tree drawn, and the STEPP plot, under Subgroups.</summary>
    private static void WritePredictive(ReportContext report)
    {
        var results = report.Results;
        var html = report.Html;
        if (results.Discovery.InteractionTree is { } tree)
        {
            html.Heading(3, "The interaction tree");
            var ids = results.Subgroups.Select(s => s.Id).ToList();
            // The leaves are the subgroups: their n and events as the subgroup table prints them (estimation patients).
            var sizes = report.SubgroupColumn(ids, results.Subgroups.Select(s => s.N).ToList(), SubgroupCount.Size);
            var events = report.SubgroupColumn(ids, results.Subgroups.Select(s => s.Events).ToList(), SubgroupCount.Events);
            var effects = results.Treatment?.BySubgroup;
            var leaves = tree.Leaves.Select((l, i) =>
            {
                var lines = new List<string> { $"n {sizes[i]}, events {events[i]}" };
                var effect = effects?.FirstOrDefault(e => e.Subgroup == l.Subgroup);
                if (effect is null || report.Cells.Hides(effect.N)) lines.Add("effect not shown");
                else if (effect.Estimable != "yes") lines.Add("too few to estimate");
                else
                {
                    lines.Add(HazardRatioWithCi(effect.Hr, effect.HrLower, effect.HrUpper));
                    if (effect.Verdict == "consistent with overall") lines.Add("consistent with overall");
                }
                return new InteractionTreeChartLeaf(l.Subgroup, lines);
            }).ToList();
            var splits = tree.Splits.Select(s => new InteractionTreeChartSplit(s.Path,
                s.LeftLevels.Count > 0 ? $"{s.Feature} in {{{string.Join(", ", s.LeftLevels)}}}" : $"{s.Feature} <= {InteractionTreeChart.Number(s.Threshold)}",
                s.LeftLevels.Count > 0 ? $"{s.Feature} not in {{{string.Join(", ", s.LeftLevels)}}}" : $"{s.Feature} > {InteractionTreeChart.Number(s.Threshold)}",
                $"interaction χ² {Number(s.Statistic, 1)}, Bonferroni {RunSentences.PEquals(s.AdjustedP)}")).ToList();
            string where = tree.Honest ? "estimated on the patients the tree did not see" : "estimated on the same patients that chose the splits (optimistic)";
            html.Figure(InteractionTreeChart.Render(new InteractionTreeChartInput(splits, leaves,
                    string.Create(CultureInfo.InvariantCulture, $"Interaction tree for {tree.Treatment}: {splits.Count} split{(splits.Count == 1 ? "" : "s")}, {leaves.Count} subgroup{(leaves.Count == 1 ? "" : "s")}"))),
                $"The interaction tree: each split is the cut where the treatment effect ({tree.Treated} vs {tree.Reference}) differs most between "
                + "the two sides, with its score test of interaction (1 df) and the p-value adjusted for every cut point searched (Bonferroni); "
                + $"\"yes\" branches meet the condition. Under each subgroup: its n and events and the adjusted hazard ratio (95% CI), {where}.");
        }
        if (results.Discovery.Stepp is { } stepp && results.Treatment is { } treatment)
        {
            html.Heading(3, $"Treatment effect along {stepp.Marker} (STEPP)");
            var input = SteppChart.Input(stepp, SteppEffectScale.HazardRatio, treatment.Treated, treatment.Reference, report.TimeUnit);
            if (input.Points.Count(p => double.IsFinite(p.Estimate)) < 2)
            {
                html.Paragraph($"Fewer than two windows of {stepp.Marker} have an estimable hazard ratio, so the STEPP curve is not drawn.");
                return;
            }
            html.Figure(SteppChart.Render(input),
                string.Create(CultureInfo.InvariantCulture, $"STEPP: the hazard ratio ({treatment.Treated} vs {treatment.Reference}) in {stepp.Windows.Count} overlapping windows of about ")
                + $"{stepp.PatientsPerWindow.ToString("N0", CultureInfo.InvariantCulture)} patients ordered by {stepp.Marker}, against the window's median "
                + $"{stepp.Marker}, with 95% pointwise limits; the dashed line is the overall effect, the grey line no effect. Each window's hazard "
                + (treatment.Overall.AdjustedFor.Count > 0 ? $"ratio is adjusted for {string.Join(", ", treatment.Overall.AdjustedFor)}, as the other hazard ratios are" : "ratio has treatment as the only covariate, as the other hazard ratios")
                + (treatment.Weights is not null ? ", but not weighted by the propensity score" : "") + ". Windows share patients, so neighbouring points are not independent; "
                + "the permutation test in the footer asks whether any window departs from the overall effect more than chance would make it.");
        }
    }
}
