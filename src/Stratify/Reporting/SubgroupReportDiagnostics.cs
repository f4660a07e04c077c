// Sections 4 and 5 of the subgroup report: who is in each subgroup (heatmap of standardised differences, Table 1 by
// subgroup and by treatment arm) and the diagnostics a statistician checks (how the subgroups were found and how
// stable they are, log-rank tests, the Cox model with its proportional-hazards test and concordance, missing data,
// warnings). Heatmap columns: at most MaxHeatmapFeatures features, those with the largest |standardised
// difference| in any shown subgroup, in the order the profiles list them.
using Stratify.Reporting.Charts;
using Stratify.Reporting.Html;
using Stratify.Survival;
using System.Globalization;

namespace Stratify.Reporting;

internal static partial class SubgroupReport
{
    /// <summary>The heatmap shows at most this many features (the most different ones).</summary>
    public const int MaxHeatmapFeatures = 12;

    private static void WriteProfiles(ReportContext report)
    {
        var results = report.Results;
        var html = report.Html;
        html.Heading(2, "Subgroup profiles", "profiles");
        var profiles = results.Discovery.Profiles.Where(p => !(report.SubgroupSize(p.Subgroup) is int n && report.Cells.Hides(n))).ToList();
        var features = HeatmapFeatures(profiles);
        if (profiles.Count > 0 && features.Count > 0)
        {
            var values = new double[profiles.Count, features.Count];
            for (int r = 0; r < profiles.Count; r++)
            {
                for (int c = 0; c < features.Count; c++)
                {
                    var value = profiles[r].Values.FirstOrDefault(v => v.Feature == features[c]);
                    values[r, c] = value?.StandardisedDifference ?? double.NaN;
                }
            }
            html.Figure(FeatureHeatmap.Render(new FeatureHeatmapInput(profiles.Select(p => $"Subgroup {p.Subgroup}").ToList(), features, values,
                    "Standardised differences of the features by subgroup")),
                "Standardised difference of each feature (or feature = level) between the subgroup and the other patients: "
                + "orange above, blue below the rest of the cohort"
                + (features.Count < DistinctFeatures(profiles) ? string.Create(CultureInfo.InvariantCulture, $"; the {features.Count} most different features are shown.") : "."));
        }
        else
        {
            html.Paragraph("No feature profiles are available.");
        }
        WriteTable1(report, results.Table1BySubgroup, "Patient characteristics by subgroup (Table 1)", report.SizeSuppressed);
        if (results.Study.Treatment is not null || results.Treatment is not null)
            WriteTable1(report, results.Table1ByTreatment, "Patient characteristics by treatment arm", _ => false);
    }

    private static int DistinctFeatures(IReadOnlyList<SubgroupProfileJson> profiles) =>
        profiles.SelectMany(p => p.Values).Select(v => v.Feature).Distinct(StringComparer.Ordinal).Count();

    private static List<string> HeatmapFeatures(IReadOnlyList<SubgroupProfileJson> profiles)
    {
        var order = new List<string>();
        var largest = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var profile in profiles)
        {
            foreach (var value in profile.Values)
            {
                double size = double.IsFinite(value.StandardisedDifference) ? Math.Abs(value.StandardisedDifference) : 0;
                if (!largest.TryGetValue(value.Feature, out double seen)) { order.Add(value.Feature); largest[value.Feature] = size; }
                else largest[value.Feature] = Math.Max(seen, size);
            }
        }
        var kept = order.OrderByDescending(f => largest[f]).Take(MaxHeatmapFeatures).ToHashSet(StringComparer.Ordinal);
        return order.Where(kept.Contains).ToList();
    }

    /// <summary>
    /// A Table 1 document as an HTML table (Variable, Characteristic, Overall, one column per group, p). Counts pass
    /// the small-cell policy; a group below the threshold keeps its column but every cell reads "not shown".
    /// Complementary suppression (SubgroupReportSmallCells.cs): the column sizes are one set against the overall
    /// n (the groups <paramref name="groupWithheld"/> names are withheld, as the subgroup list withholds them); a
    /// group whose size is suppressed is not described either (its level counts would add up to its size); and
    /// each variable's counts are a two-way table whose rows and columns are sets (<see cref="Table1Counts"/>).
    /// </summary>
    private static void WriteTable1(ReportContext report, Table1Document table, string caption, Func<string, bool> groupWithheld)
    {
        var cells = report.Cells;
        int groups = table.Groups.Count;
        // The groups and the patients without a group add up to the overall n.
        var sizes = new int[groups + 1];
        var withheld = new bool[groups + 1];
        for (int g = 0; g < groups; g++) { sizes[g] = table.Groups[g].N; withheld[g] = groupWithheld(table.Groups[g].Group); }
        sizes[groups] = table.GroupMissing;
        var sizeDisclosure = cells.Disclose(sizes, withheld);
        var columnHidden = new bool[groups + 1];
        var header = new List<string> { "Variable", "Characteristic", $"Overall (n = {cells.Count(table.OverallN)})" };
        for (int g = 0; g < groups; g++)
        {
            columnHidden[g + 1] = cells.Hides(sizes[g]) || sizeDisclosure[g] == CountDisclosure.Suppressed;
            header.Add($"{table.Groups[g].Group} (n = {report.Printed(sizes[g], sizeDisclosure[g])})");
        }
        header.Add("p");
        var rows = new List<HtmlTableRow>();
        foreach (var variable in table.Variables)
        {
            var printed = Table1Counts(report, variable, columnHidden, table.GroupMissing > 0);
            for (int r = 0; r < variable.Rows.Count; r++)
            {
                var line = new List<string>(printed[r]);
                line.Add(r == 0 ? P(variable.P ?? double.NaN) : "");
                rows.Add(new HtmlTableRow(r == 0 ? variable.Variable : "", line));
            }
        }
        report.Html.Table(new HtmlTable(caption, header, rows, Enumerable.Range(2, header.Count - 2).ToArray()));
        if (table.GroupMissing > 0)
            report.Html.Paragraph($"{report.Printed(table.GroupMissing, sizeDisclosure[groups])} patients without a group are counted in the overall column only.");
        if (sizeDisclosure.Contains(CountDisclosure.Suppressed) || rows.Any(r => r.Cells.Contains(SmallCellPolicy.SuppressedText)))
            report.Html.Paragraph(cells.SuppressedExplanation + " A group whose size is suppressed is not described in this table.");
    }

    /// <summary>
    /// The printed cells of one Table 1 variable (Characteristic, Overall, the groups), row by row. Its count rows
    /// (levels and missing count) form a table whose every row is a set (the groups add up to the overall count)
    /// and, for a categorical variable, every column too (levels and missing add up to the column's n); a hidden
    /// group's column is masked whole. When a column's missing count is masked, that column's percentages are
    /// dropped: a percentage of the non-missing gives the non-missing count, and n minus it the missing count. With
    /// patients without a group, their counts (overall minus the groups, never printed) join each row as an
    /// unprinted column, so that a small one of them cannot be had by subtraction either.
    /// </summary>
    private static List<string>[] Table1Counts(ReportContext report, Table1VariableDto variable, bool[] columnHidden, bool withoutGroup)
    {
        var cells = report.Cells;
        int columns = columnHidden.Length;
        int unprinted = withoutGroup ? columns : -1;
        var countRows = new List<int>();
        for (int r = 0; r < variable.Rows.Count; r++)
            if (IsCountRow(variable.Rows[r], columns)) countRows.Add(r);
        bool columnsAddUp = countRows.Count == variable.Rows.Count;
        var counts = new int[countRows.Count, withoutGroup ? columns + 1 : columns];
        int missingRow = -1;
        for (int k = 0; k < countRows.Count; k++)
        {
            var row = variable.Rows[countRows[k]];
            if (double.IsNaN(((CountCellDto)row.Overall).Percent)) missingRow = k;
            for (int c = 0; c < columns; c++) counts[k, c] = ((CountCellDto)(c == 0 ? row.Overall : row.ByGroup[c - 1])).Count;
            if (!withoutGroup) continue;
            int rest = counts[k, 0];
            for (int c = 1; c < columns; c++) rest -= counts[k, c];
            counts[k, columns] = Math.Max(0, rest);
        }
        var disclosure = cells.DiscloseCrossTable(counts, withoutGroup ? [.. columnHidden, false] : columnHidden, columnsAddUp, unprinted);

        var printed = new List<string>[variable.Rows.Count];
        for (int r = 0, k = 0; r < variable.Rows.Count; r++)
        {
            var row = variable.Rows[r];
            bool isCount = k < countRows.Count && countRows[k] == r;
            var line = new List<string>(columns + 1) { row.Label };
            for (int c = 0; c < columns; c++)
            {
                var cell = c == 0 ? row.Overall : c - 1 < row.ByGroup.Count ? row.ByGroup[c - 1] : new Table1CellDto("");
                if (columnHidden[c]) line.Add("not shown");
                else if (!isCount) line.Add(cells.Table1Cell(cell));
                else if (disclosure[k, c] != CountDisclosure.Shown) line.Add(report.Printed(counts[k, c], disclosure[k, c]));
                else if (columnsAddUp && missingRow >= 0 && k != missingRow && disclosure[missingRow, c] != CountDisclosure.Shown)
                    line.Add(counts[k, c].ToString(Invariant));
                else line.Add(cell.Text);
            }
            if (isCount) k++;
            printed[r] = line;
        }
        return printed;
    }

    /// <summary>A row of counts (a level or the missing count) in every column, with the numbers behind them.</summary>
    private static bool IsCountRow(Table1RowDto row, int columns)
    {
        if (row.Overall is not CountCellDto || row.ByGroup.Count != columns - 1) return false;
        foreach (var cell in row.ByGroup) if (cell is not CountCellDto) return false;
        return true;
    }

    private static void WriteDiagnostics(ReportContext report)
    {
        var results = report.Results;
        var html = report.Html;
        html.Heading(2, "Diagnostics", "diagnostics");
        html.Heading(3, "How the subgroups were found");
        var discovery = results.Discovery;
        html.Paragraph($"Method: {MethodName(discovery.Method)}. Features: {string.Join(", ", discovery.Features)}.");
        if (discovery.Clustering is { } clustering) WriteClustering(report, clustering);
        if (discovery.Tree is { } tree) WriteTree(report, tree);
        if (results.Survival.LogRank is { } logRank) WriteLogRank(report, logRank);
        if (results.Survival.Cox is { } cox) WriteCox(report, cox);
        WriteMissingData(report);
        html.Heading(3, "Warnings");
        if (results.Warnings.Count == 0) html.Paragraph("The analysis raised no warnings.");
        foreach (var warning in results.Warnings) html.Callout(report.Render(warning), CalloutKind.Warning);
    }

    private static void WriteClustering(ReportContext report, DiscoveryClusteringJson clustering)
    {
        var html = report.Html;
        html.Paragraph(string.Create(CultureInfo.InvariantCulture, $"Distance: {clustering.Distance}. Number of subgroups k = {clustering.K} (recommended k = {clustering.RecommendedK}); ")
            + $"average silhouette width {Number(clustering.Silhouette, 3)}; objective {Number(clustering.Objective, 4)}; "
            + (clustering.StabilitySubsample is null ? $"proportion of ambiguous clustering (PAC) {Number(clustering.Pac, 3)}."
                : "proportion of ambiguous clustering (PAC) not computed with subsamples: a pair of patients is drawn together in too few of them."));
        if (clustering.Criteria.Count > 0)
        {
            var criteria = clustering.Criteria;
            var series = new List<CriterionSeries> { new("Silhouette", criteria.Select(c => c.Silhouette).ToList(), null) };
            if (criteria.Any(c => double.IsFinite(c.Gap)))
                series.Add(new CriterionSeries("Gap", criteria.Select(c => c.Gap).ToList(), criteria.Select(c => c.GapSe).ToList()));
            html.Figure(CriteriaChart.Render(new CriteriaChartInput(criteria.Select(c => c.K).ToList(), series, clustering.RecommendedK,
                    "Average silhouette width and gap statistic by number of subgroups k")),
                "Choice of the number of subgroups: average silhouette width (higher is better) and the gap statistic with its "
                + "standard error, by k; the dashed line marks the recommended k.");
            html.Table(new HtmlTable("Clustering criteria by number of subgroups k", ["k", "Silhouette", "Gap (SE)", "BIC"],
                criteria.Select(c => new HtmlTableRow(c.K.ToString(Invariant),
                    [Number(c.Silhouette, 3), double.IsFinite(c.Gap) ? $"{Number(c.Gap, 3)} ({Number(c.GapSe, 3)})" : "NA", Number(c.Bic, 1)])).ToList(),
                [1, 2, 3]));
        }
        if (clustering.Stability.Count == 0) return;
        html.Table(new HtmlTable((clustering.StabilitySubsample is { } m
                ? $"Stability of each subgroup over random subsamples of {m.ToString("N0", Invariant)} patients"
                : "Bootstrap stability of each subgroup") + " (mean Jaccard similarity; stable at 0.6 or above)",
            ["Subgroup", "Mean Jaccard", "Stable"],
            clustering.Stability.Select(s => new HtmlTableRow(s.Subgroup, [Number(s.Jaccard, 2), s.Stable ? "yes" : "no"])).ToList(), [1]));
        var unstable = clustering.Stability.Where(s => !s.Stable).Select(s => s.Subgroup).ToList();
        if (unstable.Count > 0)
            html.Callout($"Unstable: subgroup{(unstable.Count > 1 ? "s" : "")} {string.Join(", ", unstable)} "
                + "did not reappear reliably when the patients were resampled (mean Jaccard below 0.6); "
                + "treat such a subgroup as a pattern of the sample, not as a reproducible patient type.", CalloutKind.Warning);
        else
            html.Paragraph("Every subgroup reappeared reliably when the patients were resampled (mean Jaccard 0.6 or above).");
    }

    private static void WriteTree(ReportContext report, SurvivalTreeJson tree)
    {
        var cells = report.Cells;
        report.Html.Table(new HtmlTable("Survival tree splits (maximal log-rank statistic, Bonferroni-adjusted p)",
            ["Node", "Split feature", "Statistic", "Adjusted p"],
            tree.Splits.Select(s => new HtmlTableRow(s.Rule, [s.Feature, Number(s.Statistic, 2), P(s.AdjustedP)])).ToList(), [2, 3]));
        // The leaves are the subgroups under other names (their rules): their sizes and events are sets of their own.
        var sizes = report.CountColumn(tree.Leaves.Select(l => l.N).ToList());
        var events = report.CountColumn(tree.Leaves.Select(l => l.Events).ToList());
        report.Html.Table(new HtmlTable($"Survival tree leaves (the subgroups) and their rules; median in {report.TimeUnit}",
            ["Rule", "n", "Events", "Median"],
            tree.Leaves.Select((l, i) => new HtmlTableRow(l.Rule,
                [sizes[i], events[i], cells.Hides(l.N) ? NotShown(report) : double.IsNaN(l.Median) ? "not reached" : Time(l.Median)])).ToList(),
            [1, 2, 3]));
    }

    private static void WriteLogRank(ReportContext report, LogRankJson logRank)
    {
        var html = report.Html;
        var cells = report.Cells;
        html.Heading(3, "Log-rank test");
        html.Paragraph($"Survival differs between subgroups if the log-rank test rejects equality: χ² = {Number(logRank.Statistic, 2)}, "
            + string.Create(CultureInfo.InvariantCulture, $"df = {logRank.Df}, {PEquals(logRank.P)}."));
        var ids = logRank.Groups.Select(g => g.Group).ToList();
        var sizes = report.SubgroupColumn(ids, logRank.Groups.Select(g => g.N).ToList(), SubgroupCount.Size);
        var observed = report.SubgroupColumn(ids, logRank.Groups.Select(g => double.IsFinite(g.Observed) ? (int)Math.Round(g.Observed) : 0).ToList(),
            SubgroupCount.Events);
        html.Table(new HtmlTable("Observed and expected events by subgroup (log-rank test)", ["Subgroup", "n", "Observed", "Expected"],
            logRank.Groups.Select((g, i) => new HtmlTableRow(g.Group, [sizes[i], double.IsFinite(g.Observed) ? observed[i] : "NA", Number(g.Expected, 1)])).ToList(),
            [1, 2, 3]));
        if (logRank.Trend is { } trend)
            html.Paragraph(string.Create(CultureInfo.InvariantCulture, $"Test for trend across the subgroups in their listed order: χ² = {Number(trend.Statistic, 2)}, df = {trend.Df}, {PEquals(trend.P)}."));
        // A comparison with a subgroup too small to describe would describe it: those rows are left out.
        var shown = logRank.Pairwise.Where(p => !Small(report, p.GroupA) && !Small(report, p.GroupB)).ToList();
        if (shown.Count > 0)
            html.Table(new HtmlTable($"Pairwise log-rank tests ({AdjustmentName(logRank.Pairwise[0].Method)}-adjusted p)",
                ["Comparison", "χ²", "p", "Adjusted p"],
                shown.Select(p => new HtmlTableRow($"{p.GroupA} vs {p.GroupB}", [Number(p.Statistic, 2), P(p.P), P(p.PAdjusted)])).ToList(),
                [1, 2, 3]));
        if (shown.Count < logRank.Pairwise.Count)
            html.Paragraph(string.Create(CultureInfo.InvariantCulture, $"Pairwise comparisons with a subgroup of fewer than {report.Cells.Threshold} patients are not shown."));
    }

    private static bool Small(ReportContext report, string subgroup) => report.SubgroupSize(subgroup) is int n && report.Cells.Hides(n);

    private static string AdjustmentName(string method) => method switch
    {
        "holm" => "Holm",
        "bonferroni" => "Bonferroni",
        "BH" => "Benjamini–Hochberg",
        "none" => "un",
        _ => method,
    };

    private static void WriteCox(ReportContext report, CoxModelJson cox)
    {
        var html = report.Html;
        var cells = report.Cells;
        html.Heading(3, "Cox model by subgroup");
        var tests = cox.Tests;
        html.Paragraph($"Cox proportional-hazards model with subgroup as a factor ({cells.Count(cox.N)} patients, {cells.Count(cox.Events)} events, "
            + string.Create(CultureInfo.InvariantCulture, $"{TiesName(cox.Ties)} ties): likelihood-ratio test χ² = {Number(tests.LikelihoodRatio.Statistic, 2)}, df = {tests.LikelihoodRatio.Df}, ")
            + $"{PEquals(tests.LikelihoodRatio.P)}; concordance C = {Number(cox.Concordance.C, 3)} (SE {Number(cox.Concordance.Se, 3)})."
            + (cox.Converged ? "" : " The fit did not converge; its estimates are unreliable."));
        html.Table(new HtmlTable("Cox model terms: hazard ratio against the reference with 95% CI", ["Term", "HR (95% CI)", "z", "p"],
            cox.Terms.Select(t => new HtmlTableRow(t.Term,
                [double.IsFinite(t.Hr) ? $"{Number(t.Hr, 2)} ({Number(t.HrLower, 2)}–{Number(t.HrUpper, 2)})" : "not estimable (aliased)", Number(t.Z, 2), P(t.P)])).ToList(),
            [1, 2, 3]));
        // The fit's own warnings name design columns and iteration counts, never a count of patients.
        foreach (var warning in cox.Warnings) html.Callout(warning, CalloutKind.Warning);
        if (cox.PhTest is not { } ph) return;
        var rows = ph.Terms.Select(t => new HtmlTableRow(t.Term, [Number(t.Chisq, 2), t.Df.ToString(Invariant), P(t.P)])).ToList();
        rows.Add(new HtmlTableRow("Global", [Number(ph.Global.Chisq, 2), ph.Global.Df.ToString(Invariant), P(ph.Global.P)]));
        html.Table(new HtmlTable("Proportional-hazards test (scaled Schoenfeld residuals against time)", ["Term", "χ²", "df", "p"], rows, [1, 2, 3]));
        var violated = ph.Terms.Where(t => t.P < 0.05).Select(t => t.Term).ToList();
        if (ph.Global.P < 0.05 || violated.Count > 0)
            html.Callout("Proportional hazards may not hold (p < 0.05"
                + (violated.Count > 0 ? $" for {string.Join(", ", violated)}" : " globally")
                + "): the hazard ratios are averages over follow-up; read the Kaplan–Meier curves and the RMST differences as well.",
                CalloutKind.Warning);
        else
            html.Paragraph("The proportional-hazards test gives no sign that the hazard ratios change over follow-up (every p ≥ 0.05).");
    }

    private static string TiesName(CoxTies ties) => ties switch
    {
        CoxTies.Efron => "Efron",
        CoxTies.Breslow => "Breslow",
        _ => ties.ToString(),
    };

    private static void WriteMissingData(ReportContext report)
    {
        var study = report.Results.Study;
        var cells = report.Cells;
        var html = report.Html;
        html.Heading(3, "Missing data and excluded rows");
        int excluded = study.RowsRead - study.RowsAnalysed;
        html.Paragraph($"{report.RowsRead} rows were read and {cells.Count(study.RowsAnalysed)} analysed; "
            + (excluded == 0 ? "no row was excluded." : $"{cells.Count(excluded)} rows were excluded (a patient can miss several columns).")
            + (cells.Hides(excluded) ? " " + cells.SuppressedExplanation : ""));
        if (study.Dropped.Count > 0)
            html.Table(new HtmlTable("Rows excluded for a missing value, by column", ["Column", "Rows"],
                study.Dropped.Select(d => new HtmlTableRow(d.Column, [cells.Count(d.Rows)])).ToList(), [1]));
    }
}
