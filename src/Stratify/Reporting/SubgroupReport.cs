// The subgroup report: one self-contained HTML page (inline CSS and SVG, no script, no fetch) built from
// results.json alone (plus manifest.json for the reproducibility section), in the order a clinician reads it
// (with competing risks, a first section says what competes and why, and cumulative incidence curves replace the
// Kaplan–Meier ones: SubgroupReportCompetingRisks.cs):
//   0. the bottom line (with a treatment): a banner when the treatment was not randomised, the overall effect
//      (adjusted hazard ratio, RMST difference) and whether it differs between subgroups (the interaction test);
//   1. the question, how trustworthy the p-values are (exploratory or validated on held-out patients), and the
//      subgroups with their median survival and the treatment effect in words;
//   2. Kaplan–Meier curves by subgroup, then by treatment arm within each subgroup;
//   3. the forest plot of treatment hazard ratios with the interaction test;
//   4. subgroup profiles (heatmap of standardised differences, Table 1 by subgroup and by arm);
//   5. diagnostics (discovery, stability, log-rank, Cox with PH test and concordance, missing data, warnings);
//   6. methods with references, and the manifest (files with SHA-256, seed, versions, spec as run).
// Privacy: the results document holds no row-level data and no identifiers; every count is printed through
// SmallCellPolicy, and groups below the small-cell threshold are not described (see SubgroupReportSmallCells.cs).
// Sentences are rendered here from typed fields (RunSentences, CountedText): the small-cell rule is applied to
// the counts before they become text, never to finished text.
// All data strings go through HtmlDocumentBuilder, which escapes them. The output is deterministic.
using System.Globalization;
using Stratify.Data;
using Stratify.Reporting.Charts;
using Stratify.Reporting.Html;

namespace Stratify.Reporting;

/// <summary>
/// Renders the subgroup report of a <c>stratify run</c> as one standalone HTML document.
/// </summary>
/// <example><code>
/// var results = SubgroupReportFiles.ReadResults("out/results.json");
/// var manifest = SubgroupReportFiles.ReadManifest("out/manifest.json");
/// File.WriteAllText("out/report.html", SubgroupReport.Render(results, manifest));
/// </code></example>
internal static partial class SubgroupReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The complete HTML document. <paramref name="manifest"/> may be null (no reproducibility details then).</summary>
    public static string Render(ResultsDocument results, ManifestDocument? manifest)
    {
        ArgumentNullException.ThrowIfNull(results);
        var report = new ReportContext(results, manifest, new SmallCellPolicy(Math.Max(1, results.Study.SmallCellThreshold)),
            new HtmlDocumentBuilder(string.IsNullOrWhiteSpace(results.Study.Title) ? "Subgroup report" : results.Study.Title));
        WriteCompetingRisksFirstScreen(report);
        WriteBottomLine(report);
        WriteQuestion(report);
        WriteSubgroups(report);
        WriteSurvival(report);
        WriteTreatmentEffects(report);
        WriteProfiles(report);
        WriteDiagnostics(report);
        WriteMethods(report);
        report.Html.Footer($"Stratify subgroup report, results schema {results.SchemaVersion}"
            + (manifest is null ? "" : $", Stratify {manifest.StratifyVersion}, run finished {manifest.FinishedUtc}") + ".");
        return report.Build();
    }

    /// <summary>What every section needs: the documents, the small-cell policy and the page being built.</summary>
    private sealed class ReportContext(ResultsDocument results, ManifestDocument? manifest, SmallCellPolicy cells, HtmlDocumentBuilder html)
    {
        private readonly Dictionary<string, string> _preformatted = new(StringComparer.Ordinal);

        public ResultsDocument Results { get; } = results;
        public ManifestDocument? Manifest { get; } = manifest;
        public SmallCellPolicy Cells { get; } = cells;
        public HtmlDocumentBuilder Html { get; } = html;
        public string TimeUnit => Results.Study.Endpoint.TimeUnit;

        /// <summary>
        /// The subgroup list's sizes and events under complementary suppression (one set each, against the patients
        /// analysed and the events): every table that repeats a subgroup's size or events withholds the same ones.
        /// </summary>
        private readonly Dictionary<string, CountDisclosure> _sizes = DiscloseById(results.Subgroups, s => s.N, cells);
        private readonly Dictionary<string, CountDisclosure> _events = DiscloseById(results.Subgroups, s => s.Events, cells);

        /// <summary>
        /// A sentence with its counts printed under the small-cell rule: a small count as "&lt;k", and a subgroup's size
        /// or events as the subgroup list prints them (withheld there, "suppressed" here too).
        /// </summary>
        public string Render(CountedText text) => text.Render(count => count.Of switch
        {
            CountOf.SubgroupSize when count.Subgroup is { } id && _sizes.TryGetValue(id, out var d) => Printed(count.Value, d),
            CountOf.SubgroupEvents when count.Subgroup is { } id && _events.TryGetValue(id, out var d) => Printed(count.Value, d),
            _ => Cells.Count(count.Value),
        });

        /// <summary>A sentence of results.json with its counts as slots (see <see cref="Render(CountedText)"/>).</summary>
        public string Render(CountedTextJson text) => Render(ResultsMapping.FromJson(text));

        /// <summary>
        /// The rows read, as printed: withheld ("suppressed") when the rows excluded are a small count, since the
        /// rows read minus the patients analysed (printed throughout) would give that count.
        /// </summary>
        public string RowsRead
        {
            get
            {
                var study = Results.Study;
                return Cells.Hides(study.RowsRead - study.RowsAnalysed) ? Printed(study.RowsRead, CountDisclosure.Suppressed) : Cells.Count(study.RowsRead);
            }
        }

        /// <summary>True when some count of the report printed as "suppressed" (the footnote is then due).</summary>
        public bool AnySuppressed { get; private set; }

        /// <summary>True when the subgroup's size is complementary-suppressed (it is not small, but withheld).</summary>
        public bool SizeSuppressed(string id) => _sizes.TryGetValue(id, out var d) && d == CountDisclosure.Suppressed;

        /// <summary>
        /// One per-subgroup column of a table (sizes or events, in the table's order) as printed: the column's own set
        /// under complementary suppression, with the subgroups the subgroup list withholds withheld here too.
        /// </summary>
        public string[] SubgroupColumn(IReadOnlyList<string> ids, IReadOnlyList<int> counts, SubgroupCount kind)
        {
            var withheld = new bool[ids.Count];
            var byId = kind == SubgroupCount.Size ? _sizes : _events;
            for (int i = 0; i < ids.Count; i++) withheld[i] = byId.TryGetValue(ids[i], out var d) && d == CountDisclosure.Suppressed;
            return Printed(counts, Cells.Disclose(counts.ToArray(), withheld));
        }

        /// <summary>A column of counts that is a set of its own (no subgroup ids: the survival tree's leaves).</summary>
        public string[] CountColumn(IReadOnlyList<int> counts) => Printed(counts, Cells.Disclose(counts.ToArray()));

        /// <summary>A printed count; notes that the footnote is due when it is suppressed.</summary>
        public string Printed(int count, CountDisclosure disclosure)
        {
            if (disclosure == CountDisclosure.Suppressed) AnySuppressed = true;
            return Cells.Count(count, disclosure);
        }

        private string[] Printed(IReadOnlyList<int> counts, CountDisclosure[] disclosure)
        {
            var printed = new string[counts.Count];
            for (int i = 0; i < printed.Length; i++) printed[i] = Printed(counts[i], disclosure[i]);
            return printed;
        }

        private static Dictionary<string, CountDisclosure> DiscloseById(IReadOnlyList<SubgroupJson> subgroups, Func<SubgroupJson, int> count, SmallCellPolicy cells)
        {
            var counts = new int[subgroups.Count];
            for (int i = 0; i < counts.Length; i++) counts[i] = count(subgroups[i]);
            var disclosure = cells.Disclose(counts);
            var byId = new Dictionary<string, CountDisclosure>(StringComparer.Ordinal);
            for (int i = 0; i < counts.Length; i++) byId[subgroups[i].Id] = disclosure[i];
            return byId;
        }

        /// <summary>The subgroup's size, or null when the subgroup is not in the subgroup list.</summary>
        public int? SubgroupSize(string id)
        {
            foreach (var s in Results.Subgroups) if (s.Id == id) return s.N;
            return null;
        }

        /// <summary>
        /// A block of preformatted text (the spec as run). The builder has no &lt;pre&gt;; a paragraph holding a
        /// one-off token marks the place, and <see cref="Build"/> swaps it for the escaped text in a &lt;pre&gt;.
        /// </summary>
        public void Preformatted(string text)
        {
            var token = "preformatted-" + Guid.NewGuid().ToString("N");
            _preformatted[token] = text;
            Html.Paragraph(token);
        }

        public string Build()
        {
            var html = Html.Build();
            foreach (var (token, text) in _preformatted)
                html = html.Replace("<p>" + token + "</p>", "<pre class=\"spec\" style=\"white-space: pre-wrap; overflow-wrap: anywhere; font-size: 8.5pt; background: #f6f6f6; padding: 2mm 3mm;\">" + HtmlText.Escape(text) + "</pre>", StringComparison.Ordinal);
            return html;
        }
    }

    /// <summary>Which per-subgroup count a table column holds.</summary>
    private enum SubgroupCount { Size, Events }

    /// <summary>
    /// The first screen with a treatment: what the data support and nothing more. A banner when the treatment was not
    /// randomised; the overall effect (adjusted HR with CI, unadjusted beside it, RMST difference); whether it
    /// differs between subgroups (the interaction test against interaction_alpha) and what follows for a subgroup.
    /// </summary>
    private static void WriteBottomLine(ReportContext report)
    {
        if (report.Results.Treatment is not { } treatment) return;
        var results = report.Results;
        var html = report.Html;
        html.Heading(2, "Bottom line", "bottom-line");
        if (RunSentences.ObservationalBanner(treatment) is { } banner) html.Callout(banner, CalloutKind.Warning);
        var overall = treatment.Overall;
        var facts = new List<KeyValuePair<string, string>>();
        if (overall.Estimable == "yes")
        {
            facts.Add(new($"Overall {(results.CompetingRisks is null ? "" : "cause-specific ")}hazard ratio{(RunSentences.HazardRatioKind(treatment, overall) is { Length: > 0 } kind ? ", " + kind.Trim() : "")}",
                $"{HazardRatioWithCi(overall.Hr, overall.HrLower, overall.HrUpper)}, {RunSentences.PEquals(overall.P)} ({treatment.Treated} vs {treatment.Reference}"
                + (treatment.Weights is { } w ? $"; weighted by inverse probability of treatment given {string.Join(", ", w.Confounders)}" : "")
                + (overall.AdjustedFor.Count > 0 ? $"; adjusted for {string.Join(", ", overall.AdjustedFor)})" : "; no covariates declared)")));
            if (overall.Unadjusted is { } u && overall.AdjustedFor.Count > 0)
                facts.Add(new("Unadjusted (crude)", $"{HazardRatioWithCi(u.Hr, u.HrLower, u.HrUpper)}, {RunSentences.PEquals(u.P)}"));
            if (double.IsFinite(overall.RmstDifference))
                facts.Add(new($"RMST difference to {Time(results.Study.RmstHorizon)} {report.TimeUnit}",
                    RmstText(overall) + $" {report.TimeUnit} ({treatment.Treated} − {treatment.Reference}; {RunSentences.RmstKind(treatment)}, from the arms' Kaplan–Meier curves)"));
        }
        facts.Add(new("Differs between subgroups?", treatment.BySubgroup.Count == 1 ? (treatment.BottomLine.Kind == "consistent"
                ? $"No subgroup whose effect differs was found: the interaction tree made no split (Bonferroni-adjusted test, threshold {Number(treatment.BottomLine.InteractionAlpha)})"
                : "Not tested: one subgroup only")
            : treatment.BottomLine.Kind switch
        {
            "differs" => $"Yes, it appears to: test of interaction {RunSentences.PEquals(treatment.BottomLine.InteractionP)} (threshold {Number(treatment.BottomLine.InteractionAlpha)})",
            "consistent" => $"No evidence that it does: test of interaction {RunSentences.PEquals(treatment.BottomLine.InteractionP)} (threshold {Number(treatment.BottomLine.InteractionAlpha)})",
            _ => "Could not be tested",
        }));
        facts.Add(new("Design", treatment.Design == "observational" ? "observational (treatment not randomised)" : "randomised"));
        if (treatment.Balance is { Count: > 0 } balance)
        {
            var imbalanced = balance.Where(b => Math.Abs(b.SmdAfter) > 0.1).Select(b => b.Term).ToList();
            facts.Add(new("Balance after weighting", imbalanced.Count == 0
                ? "every covariate balanced (|SMD| at most 0.1)"
                : $"not reached for {string.Join(", ", imbalanced)} (|SMD| above 0.1): the estimates lean on the adjustment for them; see Propensity weighting"));
        }
        html.Facts(facts);
        html.Paragraph(report.Render(RunSentences.Effect(results.Study, treatment, overall, null)));
        html.Callout(BottomLine(results, treatment), treatment.BottomLine.Kind == "differs" ? CalloutKind.Warning : CalloutKind.Note);
        WriteSubgroupRule(report);
    }

    private static void WriteQuestion(ReportContext report)
    {
        var study = report.Results.Study;
        var endpoint = study.Endpoint;
        var html = report.Html;
        html.Heading(2, "The question", "question");
        var facts = new List<KeyValuePair<string, string>>
        {
            new("Patients", $"{report.Cells.Count(study.RowsAnalysed)} analysed of {report.RowsRead} rows read"),
            new("Endpoint", $"{endpoint.Name}: {endpoint.Time} ({endpoint.TimeUnit}); event: {endpoint.EventCoding}; {report.Cells.Count(endpoint.Events)} events"),
            new("Treatment", TreatmentQuestion(report.Results)),
        };
        if (report.Results.Treatment is { } treatment)
        {
            facts.Add(new("Treatment estimates adjusted for", treatment.Overall.AdjustedFor.Count > 0 ? string.Join(", ", treatment.Overall.AdjustedFor) : "nothing (no covariates declared)"));
            if (study.Covariates.Count > 0) facts.Add(new("Cox model by subgroup adjusted for", string.Join(", ", study.Covariates)));
        }
        else if (study.Covariates.Count > 0) facts.Add(new("Adjusted for", string.Join(", ", study.Covariates)));
        facts.Add(report.Results.Discovery.Method == "column"
            ? new("Subgroups", "the levels of an existing column, given in the spec (not found in these data)")
            : new("Subgroups found by", $"{MethodName(report.Results.Discovery.Method)} on {string.Join(", ", report.Results.Discovery.Features)}"));
        html.Facts(facts);

        var inference = report.Results.Inference;
        string lead = inference.Exploratory
            ? "Exploratory results. "
            : $"Validated on held-out patients (found on {report.Cells.Count(inference.DiscoveryN)}, estimated on {report.Cells.Count(inference.EstimationN)}). ";
        html.Callout(lead + report.Render(RunSentences.Inference(inference, report.Results.Discovery.Method)), inference.Exploratory ? CalloutKind.Warning : CalloutKind.Note);
    }

    /// <summary>The bottom line's sentence as results.json holds it (or, from an older file, as the sentences give it).</summary>
    private static string BottomLine(ResultsDocument results, TreatmentTailoringJson treatment) =>
        treatment.BottomLine.Sentence is { Length: > 0 } sentence ? sentence : RunSentences.BottomLine(treatment, results.Discovery.Method);

    private static string TreatmentQuestion(ResultsDocument results)
    {
        if (results.Treatment is { } t)
            return $"{t.Treated} compared with {t.Reference} (column {t.Column})";
        if (results.Study.Treatment is { } arms)
            return $"{string.Join(", ", arms.Arms.Where(a => a != arms.Reference))} compared with {arms.Reference} (column {arms.Column})";
        return NoTreatment;
    }

    private const string NoTreatment = "No treatment comparison was specified.";

    private static void WriteSubgroups(ReportContext report)
    {
        var results = report.Results;
        var html = report.Html;
        html.Heading(2, "Subgroups", "subgroups");
        var unit = report.TimeUnit;
        var rows = new List<HtmlTableRow>(results.Subgroups.Count);
        var ids = results.Subgroups.Select(s => s.Id).ToList();
        var sizes = report.SubgroupColumn(ids, results.Subgroups.Select(s => s.N).ToList(), SubgroupCount.Size);
        var events = report.SubgroupColumn(ids, results.Subgroups.Select(s => s.Events).ToList(), SubgroupCount.Events);
        for (int i = 0; i < results.Subgroups.Count; i++)
        {
            var subgroup = results.Subgroups[i];
            var km = FindGroup(results.Survival.KaplanMeier, subgroup.Id);
            string median = report.Cells.Hides(subgroup.N) ? NotShown(report)
                : results.CompetingRisks is { } cr ? FirstLandmarkIncidence(cr, subgroup.Id)
                : km is null ? "NA" : MedianText(km);
            rows.Add(new HtmlTableRow(subgroup.Id, [sizes[i], events[i], subgroup.Description, median]));
        }
        string summary = results.CompetingRisks is { } incidence
            ? (incidence.Landmarks.Count > 0 ? $"Cumulative incidence by {Time(incidence.Landmarks[0])} {unit} (95% CI)" : "Cumulative incidence")
            : $"Median ({unit}, 95% CI)";
        html.Table(new HtmlTable(results.CompetingRisks is null ? $"Subgroups: size, events and median {EndpointName(results)} with 95% CI"
                : $"Subgroups: size, events of {EndpointName(results)} and its cumulative incidence with 95% CI",
            ["Subgroup", "n", "Events", "Description", summary], rows, [1, 2]));
        if (results.Subgroups.Any(s => report.Cells.Hides(s.N)))
            html.Callout(string.Create(CultureInfo.InvariantCulture, $"Subgroups with fewer than {report.Cells.Threshold} patients are shown only as \"{report.Cells.Below}\": ")
                + "their curves, medians and profiles are withheld to protect patient privacy.");
        if (report.AnySuppressed) html.Callout(report.Cells.SuppressedExplanation);
        WritePredictive(report);

        html.Heading(3, results.Treatment?.Design == "observational" ? "Treatment and outcome by subgroup (associations)" : "Treatment effect by subgroup");
        if (results.Treatment is not { } treatment)
        {
            html.Paragraph(NoTreatment + " The report describes prognosis by subgroup only.");
            return;
        }
        for (int s = 0; s < treatment.BySubgroup.Count; s++)
        {
            var effect = treatment.BySubgroup[s];
            html.Paragraph(report.Cells.Hides(effect.N)
                ? string.Create(CultureInfo.InvariantCulture, $"Subgroup {effect.Subgroup} has fewer than {report.Cells.Threshold} patients; its {RunSentences.EffectNoun(treatment)} is not described.")
                : report.Render(RunSentences.Effect(results.Study, treatment, effect, Description(results, effect.Subgroup))));
        }
    }

    private static void WriteSurvival(ReportContext report)
    {
        var results = report.Results;
        var html = report.Html;
        if (results.CompetingRisks is { } competingRisks)
        {
            WriteCumulativeIncidence(report, competingRisks);
            return;
        }
        var km = results.Survival.KaplanMeier;
        html.Heading(2, "Survival by subgroup", "survival");
        var chart = SubgroupReportCurves.Chart(km, g => $"Subgroup {g}", report.TimeUnit,
            $"Kaplan–Meier estimates of {EndpointName(results)} by subgroup", report.Cells, report.SizeSuppressed, riskColumnsAddUp: false);
        html.Figure(KaplanMeierChart.Render(chart),
            $"Kaplan–Meier estimates of {EndpointName(results)} by subgroup with 95% pointwise confidence bands "
            + $"({km.ConfType} transformation); + marks censored patients; numbers at risk below the time axis." + SuppressedNote(report, chart));
        WriteLandmarks(report, km);

        if (results.Treatment is not { } treatment) return;
        html.Heading(3, "By treatment arm within each subgroup");
        foreach (var effect in treatment.BySubgroup)
        {
            if (report.Cells.Hides(effect.N) || report.SubgroupSize(effect.Subgroup) is int n && report.Cells.Hides(n))
            {
                html.Paragraph(string.Create(CultureInfo.InvariantCulture, $"Subgroup {effect.Subgroup}: fewer than {report.Cells.Threshold} patients, curves not shown."));
                continue;
            }
            var byArm = SubgroupReportCurves.Chart(effect.KaplanMeierByArm, arm => arm, report.TimeUnit,
                $"Kaplan–Meier estimates by treatment arm in subgroup {effect.Subgroup}", report.Cells,
                // A subgroup whose size is withheld withholds its arms' sizes too: they would add up to it.
                _ => report.SizeSuppressed(effect.Subgroup), riskColumnsAddUp: true);
            html.Figure(KaplanMeierChart.Render(byArm),
                $"Subgroup {effect.Subgroup}: {EndpointName(results)} by treatment arm ({treatment.Treated} vs {treatment.Reference}), 95% confidence bands."
                + SuppressedNote(report, byArm));
        }
    }

    /// <summary>The caption's footnote when the chart prints a count as "suppressed"; empty otherwise.</summary>
    private static string SuppressedNote(ReportContext report, KaplanMeierChartInput chart)
    {
        foreach (var curve in chart.Curves)
        {
            if (curve.PatientCountText is null && (curve.AtRiskText is null || !curve.AtRiskText.Contains(SmallCellPolicy.SuppressedText))) continue;
            report.Printed(0, CountDisclosure.Suppressed);
            return " " + report.Cells.SuppressedExplanation;
        }
        return "";
    }

    /// <summary>Median, RMST and survival at the landmark times of each subgroup.</summary>
    private static void WriteLandmarks(ReportContext report, KaplanMeierJson km)
    {
        var study = report.Results.Study;
        bool rmst = double.IsFinite(study.RmstHorizon) && study.RmstHorizon > 0;
        var header = new List<string> { "Subgroup", "n", "Events", "Median (95% CI)" };
        if (rmst) header.Add($"RMST to {Time(study.RmstHorizon)} (SE)");
        foreach (var t in study.Landmarks) header.Add($"S({Time(t)}) (95% CI)");
        var rows = new List<HtmlTableRow>();
        var ids = km.Groups.Select(g => g.Group).ToList();
        var sizes = report.SubgroupColumn(ids, km.Groups.Select(g => g.N).ToList(), SubgroupCount.Size);
        var events = report.SubgroupColumn(ids, km.Groups.Select(g => g.Events).ToList(), SubgroupCount.Events);
        for (int i = 0; i < km.Groups.Count; i++)
        {
            var group = km.Groups[i];
            var cells = new List<string> { sizes[i], events[i] };
            bool hidden = report.Cells.Hides(group.N);
            cells.Add(hidden ? NotShown(report) : MedianText(group));
            if (rmst) cells.Add(hidden ? NotShown(report) : $"{Number(group.Rmst, 1)} ({Number(group.RmstSe, 1)})");
            foreach (var t in study.Landmarks)
            {
                var at = group.At.FirstOrDefault(a => a.Time == t);
                cells.Add(hidden ? NotShown(report) : at is null || double.IsNaN(at.Survival) ? "NA"
                    : $"{Number(at.Survival, 2)} ({Number(at.Lower, 2)}–{Number(at.Upper, 2)})");
            }
            rows.Add(new HtmlTableRow(group.Group, cells));
        }
        report.Html.Table(new HtmlTable($"Survival summaries by subgroup (times in {report.TimeUnit})", header, rows,
            Enumerable.Range(1, header.Count - 1).ToArray()));
    }

    private static void WriteTreatmentEffects(ReportContext report)
    {
        var html = report.Html;
        var results = report.Results;
        html.Heading(2, results.Treatment?.Design == "observational" ? "Treatment and outcome by subgroup (associations)" : "Treatment effect by subgroup", "treatment");
        if (results.Treatment is not { } treatment)
        {
            html.Paragraph(NoTreatment);
            return;
        }
        html.Callout(BottomLine(results, treatment), treatment.BottomLine.Kind == "differs" ? CalloutKind.Warning : CalloutKind.Note);
        var forestRows = new List<ForestRow>();
        var hidden = new List<string>();
        var forestSizes = report.SubgroupColumn(treatment.BySubgroup.Select(e => e.Subgroup).ToList(),
            treatment.BySubgroup.Select(e => e.N).ToList(), SubgroupCount.Size);
        // Subgroup p-values are not evidence of a subgroup-specific effect (Wang et al. 2007): shown only when the
        // interaction test supports heterogeneity.
        bool subgroupP = treatment.BottomLine.Kind == "differs";
        for (int i = 0; i < treatment.BySubgroup.Count; i++)
        {
            var effect = treatment.BySubgroup[i];
            if (report.Cells.Hides(effect.N)) { hidden.Add(effect.Subgroup); continue; }
            forestRows.Add(Forest($"Subgroup {effect.Subgroup}", effect) with
            {
                NText = forestSizes[i] == SmallCellPolicy.SuppressedText ? forestSizes[i] : null,
                PText = subgroupP ? RunSentences.PEquals(effect.P) : null,
            });
        }
        forestRows.Add(Forest("All patients", treatment.Overall) with { Summary = true, NText = report.Cells.Hides(treatment.Overall.N) ? report.Cells.Below : null });
        var interaction = treatment.Interaction;
        string footer = double.IsNaN(interaction.P) ? "Interaction (subgroup × treatment): not testable"
            : string.Create(CultureInfo.InvariantCulture, $"Interaction (subgroup × treatment{(interaction.Test == "robust_wald" ? ", robust Wald" : "")}): χ² = {Number(interaction.Statistic, 2)}, df = {interaction.Df}, {RunSentences.PEquals(interaction.P)}");
        bool shrunken = forestRows.Any(r => r.Shrunken is not null);
        string causeSpecific = results.CompetingRisks is null ? "" : "cause-specific ";
        html.Figure(ForestPlot.Render(new ForestPlotInput(forestRows, footer,
                $"{HeaderCase(causeSpecific + "hazard ratios")} of {treatment.Treated} vs {treatment.Reference} by subgroup")),
            $"{HeaderCase(causeSpecific + "hazard ratio")} of {EndpointName(results)} for {treatment.Treated} vs {treatment.Reference} in each subgroup and in all patients, "
            + $"from Cox models {(treatment.Weights is null ? "" : "weighted by inverse probability of treatment and ")}{AdjustmentPhrase(treatment.Overall)}, with 95% CIs; "
            + $"a hazard ratio below 1 means a lower hazard with {treatment.Treated}. "
            + (shrunken
                ? "Hollow squares are each subgroup's own estimate (area proportional to its size"
                  + (forestRows.Any(r => r.NText is not null && !r.Summary) ? $"; a fixed middle size where the size is {SmallCellPolicy.SuppressedText}" : "")
                  + "); filled circles below them are the shrunken estimates, pulled toward the pooled effect by as much as the subgroups' "
                  + "differences are compatible with chance (random-effects model, REML). The diamond is all patients."
                : "Square area is proportional to the subgroup size; the diamond is all patients.")
            + (subgroupP ? "" : $" Subgroup p-values are not shown: without evidence that the {RunSentences.EffectNoun(treatment)} differs between subgroups, they are no guide to a subgroup's own.")
            + (hidden.Count > 0 ? string.Create(CultureInfo.InvariantCulture, $" Not shown (fewer than {report.Cells.Threshold} patients): subgroup {string.Join(", ", hidden)}.") : ""));

        var rows = new List<HtmlTableRow>();
        var ids = treatment.BySubgroup.Select(e => e.Subgroup).ToList();
        var sizes = report.SubgroupColumn(ids, treatment.BySubgroup.Select(e => e.N).ToList(), SubgroupCount.Size)
            .Append(report.Cells.Count(treatment.Overall.N)).ToList();
        var events = report.SubgroupColumn(ids, treatment.BySubgroup.Select(e => e.Events).ToList(), SubgroupCount.Events)
            .Append(report.Cells.Count(treatment.Overall.Events)).ToList();
        var effects = treatment.BySubgroup.Append(treatment.Overall).ToList();
        string notShown = NotShown(report);
        bool rmst = double.IsFinite(results.Study.RmstHorizon);
        for (int i = 0; i < effects.Count; i++)
        {
            var effect = effects[i];
            bool overall = effect == treatment.Overall;
            // A subgroup below the small-cell threshold is not described; one whose arms are too small or have too few
            // events has no estimate, p-value, RMST difference or verdict.
            bool hide = !overall && report.Cells.Hides(effect.N);
            string missing = hide ? notShown : NotEstimableText(effect);
            bool estimable = !hide && effect.Estimable == "yes";
            rows.Add(new HtmlTableRow(overall ? "All patients" : effect.Subgroup,
            [
                sizes[i], events[i],
                estimable ? HazardRatioText(effect) : missing,
                estimable && (overall || subgroupP) ? P(effect.P) : "",
                estimable && effect.Unadjusted is { } u ? $"{RunSentences.Ratio(u.Hr)} ({RunSentences.Ratio(u.HrLower)}–{RunSentences.Ratio(u.HrUpper)})" : "",
                estimable && effect.Shrunken is { } sh ? $"{RunSentences.Ratio(sh.Hr)} ({RunSentences.Ratio(sh.HrLower)}–{RunSentences.Ratio(sh.HrUpper)})" : "",
                .. (rmst ? [estimable && double.IsFinite(effect.RmstDifference) ? RmstText(effect) : ""] : Array.Empty<string>()),
                hide ? notShown : effect.Verdict,
            ]));
        }
        // No RMST with competing risks (a Kaplan–Meier curve that censors the competing events describes a world without them).
        html.Table(new HtmlTable($"Treatment effect ({treatment.Treated} vs {treatment.Reference}) by subgroup: {causeSpecific}hazard ratios with 95% CIs"
                + (rmst ? $"; RMST difference in {report.TimeUnit} up to {Time(results.Study.RmstHorizon)}" : ""),
            ["Subgroup", "n", "Events", HeaderCase(RunSentences.HazardRatioKind(treatment, treatment.Overall) + causeSpecific + "HR"), "p", "Unadjusted HR", "Shrunken HR",
                .. (rmst ? [$"RMST difference ({RunSentences.RmstKind(treatment)})"] : Array.Empty<string>()), "Verdict"],
            rows, rmst ? [1, 2, 3, 4, 5, 6, 7] : [1, 2, 3, 4, 5, 6]));
        WriteAdjustment(report, treatment);
        if (treatment.Weights is { } weights) WriteWeighting(report, treatment, weights);
        html.Paragraph(double.IsNaN(interaction.P)
            ? "The subgroup × treatment interaction could not be tested: fewer than two subgroups have an estimable effect."
            : $"Test of interaction ({(interaction.Test == "robust_wald" ? "robust Wald test of the weighted model's" : "likelihood ratio of the")} subgroup × treatment terms, on the patients of subgroups {string.Join(", ", interaction.Subgroups)}"
              + $"{(interaction.AdjustedFor.Count > 0 ? ", adjusted for " + string.Join(", ", interaction.AdjustedFor) : "")}): "
              + string.Create(CultureInfo.InvariantCulture, $"χ² = {Number(interaction.Statistic, 2)}, df = {interaction.Df}, {RunSentences.PEquals(interaction.P)}."));
        if (treatment.Shrinkage is { } shrinkage)
            html.Paragraph($"Shrunken estimates: a normal–normal random-effects model on the subgroups' adjusted log hazard ratios "
                + $"(between-subgroup variance τ² = {shrinkage.Tau2.ToString("0.####", Invariant)} by {shrinkage.Method}; pooled HR {RunSentences.Ratio(shrinkage.MeanHr)}, "
                + $"95% CI {RunSentences.Ratio(shrinkage.MeanHrLower)}–{RunSentences.Ratio(shrinkage.MeanHrUpper)}) gives each subgroup's empirical-Bayes estimate: "
                + "its own estimate pulled toward the pooled one, more so the less precise it is and the more alike the subgroups are. "
                + (shrinkage.Tau2 == 0 ? "Here τ² is 0: the subgroups' estimates vary no more than their standard errors lead one to expect, so every shrunken estimate equals the pooled one. " : "")
                + "The intervals allow for the uncertainty of the pooled estimate but not of τ², so with few subgroups they are somewhat narrow.");
        if (results.CompetingRisks is { } cr) WriteCompetingEffects(report, treatment, cr);
    }

    /// <summary>
    /// What each model was adjusted for: the covariates of the overall model, and any covariate a subgroup's model
    /// (or the interaction test) had to leave out, with the reason.
    /// </summary>
    private static void WriteAdjustment(ReportContext report, TreatmentTailoringJson treatment)
    {
        var overall = treatment.Overall;
        if (overall.AdjustedFor.Count == 0 && overall.NotAdjustedFor.Count == 0)
        {
            report.Html.Paragraph("No covariates were declared: every hazard ratio is unadjusted (treatment only).");
            return;
        }
        report.Html.Paragraph($"Adjusted hazard ratios come from {(treatment.Weights is null ? "" : "propensity-weighted ")}Cox models of treatment + "
            + $"{string.Join(", ", overall.AdjustedFor)}; unadjusted ones from treatment alone{(treatment.Weights is null ? "" : ", unweighted")}. Within a subgroup a covariate that takes a single value there, or is collinear with the other terms there, cannot be "
            + "estimated and is left out of that subgroup's model; the table lists every model that left one out.");
        var rows = new List<HtmlTableRow>();
        void Add(string model, IReadOnlyList<string> adjustedFor, IReadOnlyList<OmittedCovariateJson> omitted)
        {
            if (omitted.Count == 0) return;
            rows.Add(new HtmlTableRow(model, [adjustedFor.Count > 0 ? string.Join(", ", adjustedFor) : "nothing",
                string.Join("; ", omitted.Select(o => $"{o.Covariate} ({o.Reason})"))]));
        }
        Add("All patients", overall.AdjustedFor, overall.NotAdjustedFor);
        foreach (var effect in treatment.BySubgroup)
            if (!report.Cells.Hides(effect.N) && effect.Estimable == "yes") Add($"Subgroup {effect.Subgroup}", effect.AdjustedFor, effect.NotAdjustedFor);
        Add("Test of interaction (besides subgroup and treatment)", treatment.Interaction.AdjustedFor, treatment.Interaction.NotAdjustedFor);
        if (rows.Count > 0)
            report.Html.Table(new HtmlTable("Covariates each model was adjusted for, where one had to be left out", ["Model", "Adjusted for", "Left out (why)"], rows));
    }

    /// <summary>"weighted, adjusted HR" → "Weighted, adjusted HR".</summary>
    private static string HeaderCase(string text) => char.ToUpperInvariant(text[0]) + text[1..];

    /// <summary>
    /// The propensity weighting, so that a reader can judge it: the model, the effective sample sizes, what the
    /// truncation clipped, the balance of every covariate before and after weighting (|SMD| above 0.1 flagged; Austin
    /// 2009), and the overlap of the arms' propensity scores (patients outside the common support counted per arm).
    /// </summary>
    private static void WriteWeighting(ReportContext report, TreatmentTailoringJson treatment, TreatmentWeightsJson weights)
    {
        var html = report.Html;
        var cells = report.Cells;
        html.Heading(3, "Propensity weighting");
        var overall = treatment.Overall;
        string Ess(string arm) => weights.Ess.First(e => e.Arm == arm).Ess.ToString("F1", Invariant);
        string ArmN(string arm) => cells.Count(overall.Arms.First(a => a.Arm == arm).N);
        var text = $"Each patient is weighted by the inverse of the estimated probability of the treatment they received (stabilised: multiplied "
            + $"by the proportion receiving it), from a logistic regression of {treatment.Column} on {string.Join(", ", weights.Confounders)}. "
            + $"Weighted, the arms are worth {Ess(treatment.Reference)} patients ({treatment.Reference}, of {ArmN(treatment.Reference)}) and "
            + $"{Ess(treatment.Treated)} ({treatment.Treated}, of {ArmN(treatment.Treated)}) (Kish's effective sample size).";
        if (weights.Truncation is { } truncation)
            text += report.Render(CountedText.Format($" Weights were truncated to their {Percent(weights.Trim!.Value)}–{Percent(1 - weights.Trim!.Value)} percentiles ({truncation.Lower:0.###} to {truncation.Upper:0.###}); {TextCount.Patients(truncation.Clipped)} weights were clipped."));
        html.Paragraph(text);

        if (treatment.Balance is { Count: > 0 } balance)
        {
            html.Table(new HtmlTable("Balance of the covariates between the arms: standardised mean differences before and after weighting",
                ["Covariate", "SMD before", "SMD after"],
                balance.Select(b => new HtmlTableRow(b.Term, [Number(b.SmdBefore, 3), Number(b.SmdAfter, 3)])).ToList(), [1, 2]));
            var imbalanced = balance.Where(b => Math.Abs(b.SmdAfter) > 0.1).Select(b => b.Term).ToList();
            if (imbalanced.Count > 0)
                html.Callout($"After weighting, {string.Join(", ", imbalanced)} still differ{(imbalanced.Count == 1 ? "s" : "")} between the arms "
                    + "(|SMD| above 0.1): the weights did not balance them, and the estimates rely on the adjustment for them.", CalloutKind.Warning);
            else
                html.Paragraph("After weighting every covariate is balanced between the arms (|SMD| at most 0.1; Austin 2009).");
        }
        var arms = weights.Overlap.Arms.Select(a => new OverlapArm(a.Arm, Quantile(a, 0.05), Quantile(a, 0.25), Quantile(a, 0.5), Quantile(a, 0.75), Quantile(a, 0.95))).ToList();
        var outside = weights.Overlap.Arms.Select(a => CountedText.Format($"{a.Arm} {TextCount.Patients(a.OutsideCommonSupport)}")).ToList();
        html.Figure(PropensityOverlapChart.Render(new PropensityOverlapInput(arms, weights.Overlap.CommonSupportLower, weights.Overlap.CommonSupportUpper,
                $"Propensity scores of {treatment.Treated} by treatment arm")),
            $"Estimated probability of {treatment.Treated} by arm. Where the arms' scores do not overlap, the comparison rests on few patients "
            + "with large weights, or on extrapolation. Patients outside the common support: " + string.Join(", ", outside.Select(report.Render)) + ".");
    }

    private static double Quantile(ArmPropensityJson arm, double probability)
    {
        for (int i = 0; i < arm.Probabilities.Count; i++) if (Math.Abs(arm.Probabilities[i] - probability) < 1e-12) return arm.Quantiles[i];
        throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"no {probability} quantile of the propensity scores of arm {arm.Arm}"));
    }

    private static string Percent(double probability) => (100 * probability).ToString("0.#", Invariant) + "th";

    private static string AdjustmentPhrase(TreatmentEffectJson overall) =>
        overall.AdjustedFor.Count > 0 ? $"adjusted for {string.Join(", ", overall.AdjustedFor)}" : "of treatment alone";

    private static string NotEstimableText(TreatmentEffectJson effect) => effect.Estimable switch
    {
        "too_few_patients" => "too few patients in an arm to estimate",
        "too_few_events" => "too few events in an arm to estimate",
        "model_failed" => "not estimable",
        _ => "",
    };

    private static string HazardRatioWithCi(double hr, double lower, double upper) =>
        $"HR {RunSentences.Ratio(hr)} (95% CI {RunSentences.Ratio(lower)}–{RunSentences.Ratio(upper)})";

    private static string RmstText(TreatmentEffectJson effect) =>
        $"{Signed(effect.RmstDifference)} ({Signed(effect.RmstDifferenceLower)} to {Signed(effect.RmstDifferenceUpper)})";

    private static string Signed(double value) => RunSentences.Signed(value);

    /// <summary>The subgroup's plain-language description from the subgroup list.</summary>
    private static string Description(ResultsDocument results, string id)
    {
        foreach (var s in results.Subgroups) if (s.Id == id) return s.Description;
        return id;
    }

    private static ForestRow Forest(string label, TreatmentEffectJson effect) =>
        effect.Estimable == "yes" && double.IsFinite(effect.Hr) && effect.Hr > 0 && double.IsFinite(effect.HrLower) && double.IsFinite(effect.HrUpper)
            ? new ForestRow(label, effect.N, effect.Hr, effect.HrLower, effect.HrUpper, RunSentences.PEquals(effect.P),
                Shrunken: effect.Shrunken is { } s ? new ForestInterval(s.Hr, s.HrLower, s.HrUpper) : null)
            : new ForestRow(label, effect.N, null, null, null);

    private static string HazardRatioText(TreatmentEffectJson effect) =>
        double.IsFinite(effect.Hr) ? $"{Number(effect.Hr, 2)} ({Number(effect.HrLower, 2)}–{Number(effect.HrUpper, 2)})" : "not estimable";

    private static KaplanMeierGroupJson? FindGroup(KaplanMeierJson km, string group)
    {
        foreach (var g in km.Groups) if (g.Group == group) return g;
        return null;
    }

    /// <summary>"310 (285–363)" (median and 95% CI); "not reached" when the curve stays above 0.5; "NR" for a limit not reached.</summary>
    private static string MedianText(KaplanMeierGroupJson group)
    {
        if (double.IsNaN(group.Median)) return $"not reached ({Limit(group.MedianLower)}–NR)";
        return $"{Time(group.Median)} ({Limit(group.MedianLower)}–{Limit(group.MedianUpper)})";

        static string Limit(double value) => double.IsNaN(value) ? "NR" : Time(value);
    }

    private static string NotShown(ReportContext report) => $"not shown (n {report.Cells.Below})";

    private static string EndpointName(ResultsDocument results) => results.CompetingRisks is { } cr
        ? $"{cr.EventOfInterest} ({results.Study.Endpoint.Time})"
        : $"survival ({results.Study.Endpoint.Time})";

    /// <summary>A subgroup's cumulative incidence of the event of interest at the first landmark ("NA" without one).</summary>
    private static string FirstLandmarkIncidence(CompetingRisksRunJson cr, string subgroup) =>
        cr.Landmarks.Count > 0 && cr.BySubgroup.Groups.FirstOrDefault(g => g.Group == subgroup) is { } g ? IncidenceAt(g.At, cr.Landmarks[0]) : "NA";

    private static string MethodName(string method) => method switch
    {
        "kmedoids" => "k-medoids clustering (FasterPAM)",
        "kmeans" => "k-means clustering",
        "gmm" => "Gaussian mixture model",
        "hierarchical" => "hierarchical clustering",
        "tree" => "a survival tree",
        "interaction_tree" => "an interaction tree (splits where the treatment effect differs most)",
        "stepp" => "bands of a continuous marker (STEPP)",
        "column" => "a given column",
        _ => method,
    };

    /// <summary>A time in the endpoint's unit: whole numbers from 100 up (days), else at most two decimals (months, years).</summary>
    private static string Time(double value) =>
        !double.IsFinite(value) ? "NA" : Math.Abs(value) >= 100 ? DisplayNumber.Fixed(value, 0) : value.ToString("0.##", Invariant);

    /// <summary>A number with <paramref name="digits"/> decimals (invariant), "NA" when undefined.</summary>
    private static string Number(double value, int digits) =>
        DisplayNumber.Fixed(value, digits);

    private static string P(double p) => double.IsNaN(p) ? "NA" : Table1Formats.FormatP(p);

    /// <summary>"p = 0.034", "p &lt; 0.001" or "p = NA".</summary>
    private static string PEquals(double p) => RunSentences.PEquals(p);

    private static string Number(double value) => value.ToString("0.###", Invariant);
}
