// The report's competing-risks sections, from results.json's competing_risks alone:
//   - first screen: what competes with the event of interest and why 1 − Kaplan–Meier would overstate its risk, the
//     cumulative incidence by subgroup at the landmarks with Gray's test, and with a treatment the effect on both
//     hazard scales and as differences in cumulative incidence (Austin & Fine 2017; Latouche et al. 2013);
//   - in place of the Kaplan–Meier section: cumulative incidence curves (Aalen–Johansen) by subgroup, over all
//     patients by arm and by arm within each subgroup, with numbers at risk under the axis (the Kaplan–Meier charts'
//     small-cell rules: SubgroupReportCurves.Chart), and a landmark table with the competing causes beside;
//   - after the Cox forest plot: the subdistribution and cause-specific hazard ratios and the differences per
//     subgroup, subgroup p-values only with interaction evidence.
// Counts print through the report's SmallCellPolicy (subgroup sizes and events as the subgroup list prints them).
using Stratify.Reporting.Charts;
using Stratify.Reporting.Html;
using System.Globalization;

namespace Stratify.Reporting;

internal static partial class SubgroupReport
{
    /// <summary>The first screen of a competing-risks run (nothing otherwise).</summary>
    private static void WriteCompetingRisksFirstScreen(ReportContext report)
    {
        if (report.Results.CompetingRisks is not { } cr) return;
        var html = report.Html;
        html.Heading(2, "Competing risks", "competing-risks");
        html.Callout(report.Render(cr.Statement));
        var facts = new List<KeyValuePair<string, string>>();
        foreach (var t in cr.Landmarks)
            facts.Add(new($"Cumulative incidence of {cr.EventOfInterest} by {Time(t)} {report.TimeUnit}",
                string.Join("; ", cr.BySubgroup.Groups.Select(g => $"subgroup {g.Group} " + (report.Cells.Hides(g.N) ? NotShown(report) : IncidenceAt(g.At, t))))));
        if (cr.BySubgroup.GrayTest is { } gray)
            facts.Add(new("Incidence differs between subgroups? (Gray's test)", string.Create(CultureInfo.InvariantCulture, $"χ² = {Number(gray.Statistic, 2)}, df = {gray.Df}, {PEquals(gray.P)}")));
        if (cr.Treatment is { } treatment && report.Results.Treatment is { } t2)
        {
            var overall = treatment.Overall;
            string arms = $"{t2.Treated} vs {t2.Reference}";
            if (overall.Subdistribution is { } sd)
                facts.Add(new("Subdistribution hazard ratio (Fine–Gray)", $"{HazardRatioWithCi(sd.Hr, sd.HrLower, sd.HrUpper)}, {PEquals(sd.P)} ({arms}): the effect on how many patients have {cr.EventOfInterest}"));
            if (overall.CauseSpecific is { } cs)
                facts.Add(new("Cause-specific hazard ratio (Cox)", $"{HazardRatioWithCi(cs.Hr, cs.HrLower, cs.HrUpper)}, {PEquals(cs.P)} ({arms}): the effect on its rate among patients still free of every event"));
            foreach (var d in overall.Differences)
                facts.Add(new($"Difference in cumulative incidence by {Time(d.Time)} {report.TimeUnit}", !double.IsFinite(d.Difference) ? "NA (beyond follow-up)"
                    : $"{CompetingRisksSentences.Percent(d.Difference)} percentage points (95% CI {CompetingRisksSentences.Percent(d.Lower)} to {CompetingRisksSentences.Percent(d.Upper)}; {t2.Treated} − {t2.Reference}, unadjusted)"));
        }
        html.Facts(facts);
    }

    /// <summary>Cumulative incidence curves and landmark table in place of the Kaplan–Meier section.</summary>
    private static void WriteCumulativeIncidence(ReportContext report, CompetingRisksRunJson cr)
    {
        var results = report.Results;
        var html = report.Html;
        html.Heading(2, $"Cumulative incidence of {cr.EventOfInterest} by subgroup", "survival");
        var chart = IncidenceChart(report, cr, cr.BySubgroup, g => $"Subgroup {g}", $"Cumulative incidence of {cr.EventOfInterest} by subgroup",
            report.SizeSuppressed, riskColumnsAddUp: false);
        html.Figure(KaplanMeierChart.Render(chart),
            $"Cumulative incidence of {cr.EventOfInterest} by subgroup (Aalen–Johansen, allowing for {CompetingWords(cr)} first), with 95% pointwise "
            + $"confidence bands ({cr.BySubgroup.ConfType} transformation); numbers at risk below the time axis are the patients still followed and free of every event."
            + SuppressedNote(report, chart));
        WriteIncidenceLandmarks(report, cr);
        if (cr.BySubgroup.GrayTest is { } gray)
            html.Paragraph(string.Create(CultureInfo.InvariantCulture, $"Gray's test of equal cumulative incidence of {cr.EventOfInterest} between the subgroups: χ² = {Number(gray.Statistic, 2)}, df = {gray.Df}, {PEquals(gray.P)}."));

        if (cr.Treatment is not { } treatment || results.Treatment is not { } arms) return;
        html.Heading(3, "By treatment arm");
        var overall = IncidenceChart(report, cr, treatment.Overall.ByArm, a => a, $"Cumulative incidence of {cr.EventOfInterest} by treatment arm",
            _ => false, riskColumnsAddUp: false);
        html.Figure(KaplanMeierChart.Render(overall),
            $"All patients: cumulative incidence of {cr.EventOfInterest} by treatment arm ({arms.Treated} vs {arms.Reference}), 95% confidence bands."
            + (treatment.Overall.ByArm.GrayTest is { } g ? string.Create(CultureInfo.InvariantCulture, $" Gray's test: χ² = {Number(g.Statistic, 2)}, df = {g.Df}, {PEquals(g.P)}.") : "")
            + SuppressedNote(report, overall));
        foreach (var effect in treatment.BySubgroup)
        {
            if (report.SubgroupSize(effect.Subgroup) is int n && report.Cells.Hides(n))
            {
                html.Paragraph(string.Create(CultureInfo.InvariantCulture, $"Subgroup {effect.Subgroup}: fewer than {report.Cells.Threshold} patients, curves not shown."));
                continue;
            }
            var byArm = IncidenceChart(report, cr, effect.ByArm, a => a, $"Cumulative incidence of {cr.EventOfInterest} by treatment arm in subgroup {effect.Subgroup}",
                // A subgroup whose size is withheld withholds its arms' sizes too: they would add up to it.
                _ => report.SizeSuppressed(effect.Subgroup), riskColumnsAddUp: true);
            html.Figure(KaplanMeierChart.Render(byArm),
                $"Subgroup {effect.Subgroup}: cumulative incidence of {cr.EventOfInterest} by treatment arm ({arms.Treated} vs {arms.Reference}), 95% confidence bands."
                + SuppressedNote(report, byArm));
        }
    }

    /// <summary>
    /// A cumulative incidence chart: the curves through the Kaplan–Meier chart's layout and small-cell rules, rising
    /// from 0, on a y axis cut at the next 0.1 above the highest upper limit drawn.
    /// </summary>
    private static KaplanMeierChartInput IncidenceChart(ReportContext report, CompetingRisksRunJson cr, CumulativeIncidenceJson incidence,
        Func<string, string> label, string altText, Func<string, bool> sizeWithheld, bool riskColumnsAddUp)
    {
        var groups = incidence.Groups.Select(g => new KaplanMeierGroupJson(g.Group, g.N, g.Events, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN,
            new KaplanMeierCurveJson(g.Curve.Time, g.Curve.NRisk, new int[g.Curve.Time.Length], new int[g.Curve.Time.Length],
                g.Curve.Cuminc, g.Curve.Se, g.Curve.Lower, g.Curve.Upper), [])).ToArray();
        double top = 0;
        foreach (var g in incidence.Groups)
        {
            if (report.Cells.Hides(g.N)) continue;
            foreach (var u in g.Curve.Upper) if (double.IsFinite(u)) top = Math.Max(top, u);
            foreach (var f in g.Curve.Cuminc) if (double.IsFinite(f)) top = Math.Max(top, f);
        }
        var chart = SubgroupReportCurves.Chart(new KaplanMeierJson(incidence.ConfType, incidence.ConfLevel, groups), label, report.TimeUnit, altText,
            report.Cells, sizeWithheld, riskColumnsAddUp);
        return chart with { YLabel = $"Cumulative incidence of {cr.EventOfInterest}", StartValue = 0, YMax = Math.Min(1, Math.Ceiling(top * 10 + 1e-9) / 10) };
    }

    /// <summary>
    /// Per subgroup and cause (the event of interest first, then each competing cause): patients, events of that cause,
    /// and its cumulative incidence at the landmarks.
    /// </summary>
    private static void WriteIncidenceLandmarks(ReportContext report, CompetingRisksRunJson cr)
    {
        var groups = cr.BySubgroup.Groups;
        var header = new List<string> { "Subgroup", "n", "Cause", "Events" };
        foreach (var t in cr.Landmarks) header.Add($"By {Time(t)} (95% CI)");
        var ids = groups.Select(g => g.Group).ToList();
        var sizes = report.SubgroupColumn(ids, groups.Select(g => g.N).ToList(), SubgroupCount.Size);
        var events = report.SubgroupColumn(ids, groups.Select(g => g.Events).ToList(), SubgroupCount.Events);
        var rows = new List<HtmlTableRow>();
        for (int i = 0; i < groups.Count; i++)
        {
            var group = groups[i];
            bool hidden = report.Cells.Hides(group.N);
            var cells = new List<string> { sizes[i], cr.EventOfInterest, events[i] };
            foreach (var t in cr.Landmarks) cells.Add(hidden ? NotShown(report) : IncidenceAt(group.At, t));
            rows.Add(new HtmlTableRow(group.Group, cells));
            foreach (var cause in cr.Competing)
            {
                var other = cr.CompetingBySubgroup.FirstOrDefault(c => c.Group == group.Group && c.Cause == cause);
                // The competing events of a subgroup are a set of their own (the censored patients are not printed).
                var competing = hidden || other is null ? NotShown(report) : report.Cells.Count(other.Events);
                var row = new List<string> { "", cause, competing };
                foreach (var t in cr.Landmarks) row.Add(hidden || other is null ? NotShown(report) : IncidenceAt(other.At, t));
                rows.Add(new HtmlTableRow("", row));
            }
        }
        report.Html.Table(new HtmlTable($"Cumulative incidence by subgroup of the event of interest and of the competing events, each allowing for the other (times in {report.TimeUnit})",
            header, rows, [1, 3, .. Enumerable.Range(4, cr.Landmarks.Count)]));
    }

    /// <summary>The treatment on the competing-risks scales by subgroup (after the cause-specific forest plot).</summary>
    private static void WriteCompetingEffects(ReportContext report, TreatmentTailoringJson treatment, CompetingRisksRunJson cr)
    {
        if (cr.Treatment is not { } effects) return;
        var html = report.Html;
        html.Heading(3, $"Effect on the cumulative incidence of {cr.EventOfInterest}");
        bool subgroupP = treatment.BottomLine.Kind == "differs";
        var header = new List<string> { "Subgroup", "Subdistribution HR", "p", "Cause-specific HR", "p" };
        foreach (var t in cr.Landmarks) header.Add($"Difference by {Time(t)} {report.TimeUnit}");
        header.Add("Verdict");
        var rows = new List<HtmlTableRow>();
        foreach (var effect in effects.BySubgroup.Append(effects.Overall))
        {
            bool overall = effect == effects.Overall;
            bool hide = !overall && report.SubgroupSize(effect.Subgroup) is int n && report.Cells.Hides(n);
            bool estimable = !hide && effect.Estimable == "yes";
            string missing = hide ? NotShown(report) : effect.Estimable switch
            {
                "too_few_patients" => "too few patients in an arm to estimate",
                "too_few_events" => "too few events in an arm to estimate",
                "model_failed" => "not estimable",
                _ => "",
            };
            var cells = new List<string>
            {
                estimable && effect.Subdistribution is { } sd ? RatioWithCi(sd.Hr, sd.HrLower, sd.HrUpper) : missing,
                estimable && (overall || subgroupP) && effect.Subdistribution is { } sdp ? P(sdp.P) : "",
                estimable && effect.CauseSpecific is { } cs ? RatioWithCi(cs.Hr, cs.HrLower, cs.HrUpper) : "",
                estimable && (overall || subgroupP) && effect.CauseSpecific is { } csp ? P(csp.P) : "",
            };
            foreach (var t in cr.Landmarks)
                cells.Add(estimable && effect.Differences.FirstOrDefault(d => d.Time == t) is { } d ? DifferenceText(d) : "");
            cells.Add(hide ? NotShown(report) : effect.Verdict);
            rows.Add(new HtmlTableRow(overall ? "All patients" : effect.Subgroup, cells));
        }
        html.Table(new HtmlTable($"{treatment.Treated} vs {treatment.Reference}: subdistribution (Fine–Gray) and cause-specific (Cox) hazard ratios of {cr.EventOfInterest} "
            + $"with 95% CIs (both {(effects.Overall.AdjustedFor.Count > 0 ? "adjusted for " + string.Join(", ", effects.Overall.AdjustedFor) : "of treatment alone")}), "
            + $"and the difference in its cumulative incidence ({treatment.Treated} − {treatment.Reference}, percentage points with 95% CI, unadjusted)",
            header, rows, Enumerable.Range(1, header.Count - 2).ToArray()));
        html.Paragraph($"The two hazard ratios answer different questions (Latouche et al. 2013). The cause-specific hazard ratio compares the rate of "
            + $"{cr.EventOfInterest} among patients still free of every event: the treatment's direct action on it. The subdistribution hazard ratio "
            + $"compares the cumulative incidence, how many patients have {cr.EventOfInterest} by a given time; a treatment that changes the rate of "
            + $"{CompetingWords(cr)} moves it too, even without acting on {cr.EventOfInterest}. Where they agree the treatment acts on the event itself; "
            + $"where they differ, read the curves above. The verdicts come from the cause-specific model and its test of interaction "
            + $"({(subgroupP ? "which supports a difference between subgroups" : "which shows no evidence of a difference between subgroups, so no subgroup has a verdict of its own and subgroup p-values are not shown")}).");
    }

    private static readonly Citation AalenJohansen1978 = new("Aalen & Johansen 1978",
        "Aalen OO, Johansen S. An empirical transition matrix for non-homogeneous Markov chains based on censored observations. Scand J Stat. 1978;5(3):141–150.");
    private static readonly Citation Gray1988 = new("Gray 1988",
        "Gray RJ. A class of K-sample tests for comparing the cumulative incidence of a competing risk. Ann Stat. 1988;16(3):1141–1154.");
    private static readonly Citation FineGray1999 = new("Fine & Gray 1999",
        "Fine JP, Gray RJ. A proportional hazards model for the subdistribution of a competing risk. J Am Stat Assoc. 1999;94(446):496–509.");
    private static readonly Citation AustinFine2017 = new("Austin & Fine 2017",
        "Austin PC, Fine JP. Practical recommendations for reporting Fine–Gray model analyses for competing risk data. Stat Med. 2017;36(27):4391–4400.");
    private static readonly Citation Latouche2013 = new("Latouche et al. 2013",
        "Latouche A, Allignol A, Beyersmann J, Labopin M, Fine JP. A competing risks analysis should report results on all cause-specific hazards and cumulative incidence functions. J Clin Epidemiol. 2013;66(6):648–653.");

    /// <summary>The methods paragraphs of a competing-risks run (in place of the Kaplan–Meier paragraph).</summary>
    private static IEnumerable<string> CompetingRisksMethods(ResultsDocument results, CompetingRisksRunJson cr, Func<Citation[], string> cite)
    {
        var incidence = cr.BySubgroup;
        yield return $"{Capitalised(CompetingWords(cr))} competes with {cr.EventOfInterest}, so the probability of {cr.EventOfInterest} is its cumulative incidence, estimated by the "
            + string.Create(CultureInfo.InvariantCulture, $"Aalen–Johansen estimator {cite([AalenJohansen1978])} with infinitesimal-jackknife standard errors and {incidence.ConfLevel * 100:0}% pointwise ")
            + $"limits on the {incidence.ConfType} scale (as R's survfit); 1 − Kaplan–Meier, which censors the competing events, would overstate it. "
            + $"Subgroups (and arms) were compared with Gray's test {cite([Gray1988])}. The log-rank test and the Cox model by subgroup in the diagnostics, "
            + $"and the Cox models of the treatment, are cause-specific: {CompetingWords(cr)} censors follow-up there.";
        if (cr.Treatment is not null)
            yield return $"The treatment is reported on both hazard scales and as cumulative incidences, as recommended {cite([Latouche2013, AustinFine2017])}: "
                + $"the subdistribution hazard ratio from a Fine–Gray model {cite([FineGray1999])} (as cmprsk's crr: Breslow ties, sandwich standard errors "
                + "allowing for the estimated censoring distribution) adjusted for the same covariates as the cause-specific Cox model, the cause-specific "
                + "hazard ratio, and the difference in cumulative incidence between the arms at each landmark (standard error from the two curves' "
                + "standard errors, Wald interval). Whether the effect differs between subgroups is judged on the cause-specific scale (the test below).";
    }

    private static string CompetingWords(CompetingRisksRunJson cr) => cr.Competing.Count > 0 ? string.Join(" or ", cr.Competing) : "a competing event";

    private static string Capitalised(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    /// <summary>"12.3 (8.0–18.9)": the cumulative incidence at the landmark in percent; "NA" beyond follow-up.</summary>
    private static string IncidenceAt(IReadOnlyList<CumulativeIncidenceAtJson> at, double time) =>
        at.FirstOrDefault(a => a.Time == time) is { } a && double.IsFinite(a.Cuminc)
            ? $"{Number(100 * a.Cuminc, 1)}% ({Number(100 * a.Lower, 1)}–{Number(100 * a.Upper, 1)})"
            : "NA";

    private static string DifferenceText(CumulativeIncidenceDifferenceJson d) =>
        double.IsFinite(d.Difference)
            ? $"{CompetingRisksSentences.Percent(d.Difference)} ({CompetingRisksSentences.Percent(d.Lower)} to {CompetingRisksSentences.Percent(d.Upper)})"
            : "NA";

    private static string RatioWithCi(double hr, double lower, double upper) =>
        $"{RunSentences.Ratio(hr)} ({RunSentences.Ratio(lower)}–{RunSentences.Ratio(upper)})";
}
