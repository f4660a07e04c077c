// Every sentence of a run that states counts or estimates, written in one place from the typed fields of
// results.json. Counts enter as slots (TextCount) and the caller decides how they print: results.json and the
// console mask small counts as "<k"; the report adds complementary suppression. Nothing downstream searches the
// finished text for numbers.
//
// What the treatment sentences may claim follows the guidance on subgroup analyses:
//   - Wang R, Lagakos SW, Ware JH, Hunter DJ, Drazen JM. Statistics in medicine — reporting of subgroup analyses in
//     clinical trials. N Engl J Med 2007;357:2189–2194: the overall effect is the best estimate for each subgroup
//     unless a test of interaction supports heterogeneity; subgroup-specific p-values are not evidence of it.
//   - Rothwell PM. Subgroup analysis in randomised controlled trials: importance, indications, and interpretation.
//     Lancet 2005;365:176–186: judge heterogeneity by interaction tests; post hoc subgroups are hypotheses.
//   - EMA Guideline on the investigation of subgroups in confirmatory clinical trials (EMA/CHMP/539146/2013, 2019):
//     a data-driven subgroup finding is exploratory (at best supportive) unless pre-specified.
//   - For observational treatment, the estimand language of ICH E9(R1) and Hernán & Robins (Causal Inference: What
//     If, 2020): without randomisation a difference between arms is an association; calling it an effect needs
//     no unmeasured confounding, which the data cannot show.
using System.Globalization;
using Stratify.Data;

namespace Stratify.Reporting;

/// <summary>The sentences of a run, rendered from typed fields with counts printed by the caller.</summary>
internal static class RunSentences
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>A count printer that masks counts from 1 to threshold − 1 as "&lt;threshold" and prints others exactly.</summary>
    public static Func<TextCount, string> MaskedCounts(int threshold) => c =>
        c.Value > 0 && c.Value < threshold ? "<" + threshold.ToString(Invariant) : c.Value.ToString("N0", Invariant);

    /// <summary>
    /// How far the p-values can be trusted: subgroups found and tested on the same or on other patients, or given by
    /// an existing column (<paramref name="method"/> "column"), which no search produced.
    /// </summary>
    public static CountedText Inference(InferenceJson inference, string method) =>
        method == "column"
            ? CountedText.Format($"The subgroups are the levels of an existing column, not found in these data, so the p-values of the {TextCount.Patients(inference.EstimationN)} patients analysed are not inflated by a search; they are exploratory unless this subgroup analysis was specified before the data were seen.")
        : inference.Mode == "split"
            ? CountedText.Format($"Subgroups were found on {TextCount.Patients(inference.DiscoveryN)} patients and every survival and treatment estimate comes from the other {TextCount.Patients(inference.EstimationN)}, whose outcomes played no part in finding them.")
            : CountedText.Format($"Subgroups were found and tested on the same {TextCount.Patients(inference.DiscoveryN)} patients, so p-values and confidence intervals overstate certainty. Confirm in independent data (or rerun with validation: split).");

    /// <summary>The first-screen banner of an observational study; null for a randomised one.</summary>
    public static string? ObservationalBanner(TreatmentTailoringJson treatment) => treatment.Design != "observational" ? null
        : $"The treatment ({Arm(treatment, treatment.Treated)} vs {Arm(treatment, treatment.Reference)}) was not assigned at random in these data: "
          + "who received it may have depended on the patients' characteristics, so treated and untreated patients may differ in ways that also affect the outcome. "
          + (treatment.Weights is { } weights
              ? $"The estimates weight each patient by the inverse probability of the treatment they received, given {string.Join(", ", weights.Confounders)}, and adjust for the same; "
              : "The estimates are adjusted for the declared covariates (without propensity weighting); ")
          + "this balances only what was measured. The differences below are associations, not proof that the treatment caused them.";

    /// <summary>
    /// The sentence about one set of patients: the overall effect when <paramref name="description"/> is null,
    /// else the effect in the subgroup so described.
    /// </summary>
    public static CountedText Effect(StudyJson study, TreatmentTailoringJson treatment, TreatmentEffectJson effect, string? description)
    {
        var endpoint = study.Endpoint.Name;
        var who = description is null
            ? CountedText.Format($"Across all {TextCount.Patients(effect.N)} patients")
            : CountedText.Format($"In subgroup {effect.Subgroup} (n = {TextCount.SubgroupSize(effect.N, effect.Subgroup)}; {description})");
        string treated = Arm(treatment, treatment.Treated), reference = Arm(treatment, treatment.Reference);
        string noun = EffectNoun(treatment);
        return who.Append(effect.Estimable switch
        {
            "too_few_patients" => string.Create(CultureInfo.InvariantCulture, $", one arm has too few patients to estimate the {noun} (each arm needs at least {study.SmallCellThreshold})."),
            "too_few_events" => string.Create(CultureInfo.InvariantCulture, $", one arm has too few events to estimate the {noun} (each arm needs at least {treatment.MinEventsPerArm})."),
            "model_failed" => $", the Cox model could not estimate the {noun}.",
            _ => effect.Verdict switch
            {
                "consistent with overall" => $", the {noun} is consistent with that over all patients: the overall estimate ({Estimate(treatment, treatment.Overall)}) "
                    + "is the best guide for these patients.",
                _ => $", {Comparison(treatment, effect.Verdict, treated, reference, endpoint)} ({Estimate(treatment, effect)}){Rmst(study, treatment, effect, treated, reference)}.",
            },
        });
    }

    /// <summary>
    /// The bottom line on heterogeneity: whether the effect differs between subgroups (the interaction test and its
    /// threshold), what that means for a subgroup, and how much the test may claim.
    /// </summary>
    public static string BottomLine(TreatmentTailoringJson treatment, string method = "")
    {
        var bottom = treatment.BottomLine;
        string p = PEquals(bottom.InteractionP), alpha = Number(bottom.InteractionAlpha), noun = EffectNoun(treatment);
        if (treatment.BySubgroup.Count == 1)
            return method == "interaction_tree" && bottom.Kind == "consistent"
                ? $"No subgroup whose {noun} differs was found (at the stated alpha, {alpha}): the interaction tree, which searched the features for "
                    + $"the split where the {noun} differs most, made no split whose Bonferroni-adjusted test of interaction is below {alpha}. "
                    + "The overall estimate is the best guide for every patient. The search has limited power, so a modest difference cannot be ruled out."
                : $"There is one subgroup (the {(method == "tree" ? "survival tree" : "method")} made no split), so whether the {noun} differs between "
                    + "subgroups was not tested; the overall estimate is the best guide for every patient.";
        switch (bottom.Kind)
        {
            case "consistent":
                return $"The data do not show that the {noun} differs between the subgroups (test of interaction {p}; a difference is "
                    + $"claimed only when p < {alpha}). The overall estimate is the best guide for every subgroup: the differences between the "
                    + "subgroups' own estimates are compatible with chance, so a subgroup's own estimate, or its own p-value, is no reason to treat "
                    + "it differently. The test has limited power, so a modest difference cannot be ruled out.";
            case "differs":
                return $"The {noun} appears to differ between the subgroups (test of interaction {p}, below {alpha}), so each subgroup's "
                    + "own estimate is reported with its verdict. " + Evidence(bottom.Evidence);
            default:
                return $"Whether the {noun} differs between the subgroups could not be tested: fewer than two subgroups have enough patients "
                    + "and events in both arms. The overall estimate is the best guide for every subgroup.";
        }
    }

    /// <summary>How much a heterogeneity finding may claim, by how the subgroups were obtained (EMA 2019).</summary>
    private static string Evidence(string evidence) => evidence switch
    {
        "held_out" => "The subgroups were found on other patients than those tested here, so the test is not inflated by the search; "
            + "but they were not specified before the trial, so this supports a hypothesis rather than confirming it (EMA 2019), "
            + "and it needs confirmation in independent data before it guides treatment.",
        "pre_defined" => "The subgroups are the levels of an existing column, not found in these data; the result is confirmatory only if "
            + "this subgroup analysis was specified in the trial protocol before the data were seen, and exploratory otherwise (EMA 2019).",
        _ => "The subgroups were found and tested on the same patients, so this is exploratory: a hypothesis to confirm in independent data, "
            + "not a basis for treating the subgroups differently.",
    };

    /// <summary>The effect in words by verdict: causal-sounding verbs only under randomisation.</summary>
    private static string Comparison(TreatmentTailoringJson treatment, string verdict, string treated, string reference, string endpoint)
    {
        bool observational = treatment.Design == "observational";
        if (treatment.CauseSpecificFor is { } cause)
            // Competing risks: the hazard ratio compares the rate of the event among patients free of every event.
            return verdict switch
            {
                "benefit" => observational ? $"{treated} was associated with a lower rate of {cause} than {reference}"
                    : $"patients given {treated} had a lower rate of {cause} than those given {reference}",
                "harm" => observational ? $"{treated} was associated with a higher rate of {cause} than {reference}"
                    : $"patients given {treated} had a higher rate of {cause} than those given {reference}",
                _ => observational ? $"the data show no clear association between {treated} (against {reference}) and the rate of {cause}"
                    : $"the data show no clear difference in the rate of {cause} between {treated} and {reference}",
            };
        return verdict switch
        {
            "benefit" => observational ? $"{treated} was associated with longer {endpoint} than {reference}"
                : $"patients given {treated} had longer {endpoint} than those given {reference}",
            "harm" => observational ? $"{treated} was associated with shorter {endpoint} than {reference}"
                : $"patients given {treated} had shorter {endpoint} than those given {reference}",
            _ => observational ? $"the data show no clear association between {treated} (against {reference}) and {endpoint}"
                : $"the data show no clear difference in {endpoint} between {treated} and {reference}",
        };
    }

    /// <summary>
    /// "adjusted HR 0.69, 95% CI 0.54–0.89; p = 0.004": "weighted" when propensity weights entered the model,
    /// "adjusted" when covariates did, neither for treatment alone.
    /// </summary>
    public static string Estimate(TreatmentTailoringJson treatment, TreatmentEffectJson effect) =>
        $"{HazardRatioKind(treatment, effect)}{(treatment.CauseSpecificFor is null ? "" : "cause-specific ")}HR {Ratio(effect.Hr)}, 95% CI {Ratio(effect.HrLower)}–{Ratio(effect.HrUpper)}; {PEquals(effect.P)}";

    /// <summary>"weighted, adjusted ", "weighted ", "adjusted " or "" (with the trailing space).</summary>
    public static string HazardRatioKind(TreatmentTailoringJson treatment, TreatmentEffectJson effect) =>
        (treatment.Weights is not null, effect.AdjustedFor.Count > 0) switch
        {
            (true, true) => "weighted, adjusted ",
            (true, false) => "weighted ",
            (false, true) => "adjusted ",
            _ => "",
        };

    /// <summary>How the RMST difference was estimated: "propensity-weighted" Kaplan–Meier curves, or "unadjusted" ones.</summary>
    public static string RmstKind(TreatmentTailoringJson treatment) => treatment.Weights is null ? "unadjusted" : "propensity-weighted";

    /// <summary>
    /// "; up to 1825 days, the difference in mean recurrence-free survival time (hormon = yes − hormon = no) was +149.3
    /// days (95% CI +53.7 to +244.9; unadjusted)": from the arms' Kaplan–Meier curves, so not adjusted for covariates.
    /// </summary>
    private static string Rmst(StudyJson study, TreatmentTailoringJson treatment, TreatmentEffectJson effect, string treated, string reference)
    {
        if (!double.IsFinite(effect.RmstDifference)) return "";
        string unit = study.Endpoint.TimeUnit;
        return $"; up to {Time(study.RmstHorizon)} {unit}, the difference in mean {study.Endpoint.Name} time ({treated} − {reference}) was "
            + $"{Signed(effect.RmstDifference)} {unit} (95% CI {Signed(effect.RmstDifferenceLower)} to {Signed(effect.RmstDifferenceUpper)}; {RmstKind(treatment)})";
    }

    /// <summary>A difference with its sign: "+149.3", "−156.9", "0.0".</summary>
    public static string Signed(double value) =>
        !double.IsFinite(value) ? "NA" : (value > 0 ? "+" : value < 0 ? "−" : "") + Math.Abs(value).ToString("F1", Invariant);

    /// <summary>
    /// What the numbers measure, in words: "treatment effect" under randomisation; for an observational study
    /// "association of treatment with outcome", since calling it an effect would assume no unmeasured confounding.
    /// </summary>
    public static string EffectNoun(TreatmentTailoringJson treatment) =>
        treatment.Design == "observational" ? "association of treatment with outcome" : "treatment effect";

    /// <summary>"hormon = yes".</summary>
    public static string Arm(TreatmentTailoringJson treatment, string level) => $"{treatment.Column} = {level}";

    /// <summary>A hazard ratio: two decimals below 10, one above.</summary>
    public static string Ratio(double x) =>
        !double.IsFinite(x) ? "NA" : DisplayNumber.IsHuge(x) ? DisplayNumber.Scientific(x) : x.ToString(x < 10 ? "0.00" : "0.0", Invariant);

    /// <summary>"fewer than 5 events" (of the event of interest, when named); "no events" when the minimum is 1.</summary>
    public static string FewerEventsThan(int minimum, string? of = null) =>
        (minimum <= 1 ? "no events" : $"fewer than {minimum.ToString(Invariant)} events") + (of is null ? "" : $" of {of}");

    /// <summary>"p = 0.034", "p &lt; 0.001" or "p = NA".</summary>
    public static string PEquals(double p) => double.IsNaN(p) ? "p = NA" : p < 0.001 ? "p < 0.001" : "p = " + Table1Formats.FormatP(p);

    private static string Number(double value, int digits) => double.IsFinite(value) ? value.ToString("F" + digits.ToString(Invariant), Invariant) : "NA";

    private static string Number(double value) => value.ToString("0.###", Invariant);

    private static string Time(double value) =>
        !double.IsFinite(value) ? "NA" : Math.Abs(value) >= 100 ? value.ToString("F0", Invariant) : value.ToString("0.##", Invariant);
}
