using System.Globalization;
using Stratify.Data;
using Stratify.Stratification;
using Stratify.Survival;

namespace Stratify.Reporting;

/// <summary>
/// <c>competing_risks</c> of results.json (null unless the event column holds competing causes): the event of
/// interest and the competing causes with their counts among the patients analysed, <c>statement</c> (what the
/// competing event is and why it matters, counts as slots), how the curves were estimated, the landmarks, the
/// cumulative incidence of the event of interest by subgroup with Gray's test (the <c>stratify cuminc</c> shape), the
/// competing causes' cumulative incidence by subgroup at the landmarks, and the treatment on the competing-risks
/// scales (null without a treatment).
/// </summary>
internal sealed record CompetingRisksRunJson(
    string EventOfInterest,
    IReadOnlyList<string> Competing,
    int Events,
    int CompetingEvents,
    int Censored,
    CountedTextJson Statement,
    IReadOnlyList<double> Landmarks,
    CumulativeIncidenceJson BySubgroup,
    IReadOnlyList<CompetingCauseAtJson> CompetingBySubgroup,
    CompetingTreatmentJson? Treatment);

/// <summary>One competing cause's cumulative incidence in one group at the landmarks.</summary>
internal sealed record CompetingCauseAtJson(string Group, string Cause, int Events, IReadOnlyList<CumulativeIncidenceAtJson> At);

/// <summary>
/// The treatment on the competing-risks scales: <c>interaction_model</c> names the model of the subgroup × treatment
/// test behind <c>treatment.bottom_line</c> ("cause_specific_cox"), then the effect over all patients and per subgroup.
/// </summary>
internal sealed record CompetingTreatmentJson(
    string InteractionModel,
    CompetingEffectJson Overall,
    IReadOnlyList<CompetingEffectJson> BySubgroup);

/// <summary>
/// The treatment effect (treated vs reference) in one set of patients on the competing-risks scales:
/// <c>estimable</c> (as <c>treatment.by_subgroup[].estimable</c>; "model_failed" also when the Fine–Gray model fails);
/// the subdistribution hazard ratio (Fine–Gray, crr's sandwich SE of the log ratio) and the cause-specific one (the
/// Cox model of the <c>treatment</c> section), both adjusted for <c>adjusted_for</c>; the differences in cumulative
/// incidence of the event of interest, treated − reference, at the landmarks; the <c>verdict</c> (that of the
/// cause-specific effect, given only with interaction evidence); the <c>sentence</c>; and the curves by arm with Gray's test.
/// </summary>
internal sealed record CompetingEffectJson(
    string Subgroup,
    string Estimable,
    SubdistributionHazardRatioJson? Subdistribution,
    HazardRatioJson? CauseSpecific,
    IReadOnlyList<string> AdjustedFor,
    IReadOnlyList<CumulativeIncidenceDifferenceJson> Differences,
    string Verdict,
    CountedTextJson Sentence,
    CumulativeIncidenceJson ByArm);

/// <summary>exp(β) of treatment in the Fine–Gray model with its 95% CI, p and the standard error of β (crr's sandwich).</summary>
internal sealed record SubdistributionHazardRatioJson(double Hr, double HrLower, double HrUpper, double P, double Se);

/// <summary>F_treated(t) − F_reference(t) with SE √(se₁² + se₀²), 95% Wald CI and p (null beyond either arm's follow-up).</summary>
internal sealed record CumulativeIncidenceDifferenceJson(double Time, double Difference, double Se, double Lower, double Upper, double P);

/// <summary>Maps <see cref="CompetingRisksRunResult"/> to results.json's <c>competing_risks</c>.</summary>
internal static class CompetingRisksRunMapping
{
    public static CompetingRisksRunJson From(CompetingRisksRunResult result, int[] estimationRows, StudyJson study, TreatmentTailoringJson? treatment)
    {
        var causes = result.Causes;
        int events = 0, competing = 0, censored = 0;
        foreach (int r in estimationRows)
        {
            byte code = causes.Codes[r];
            if (code == 0) censored++;
            else if (code == 1) events++;
            else competing++;
        }
        var competingAt = new List<CompetingCauseAtJson>();
        for (int k = 2; k <= causes.CauseCount; k++)
            foreach (var curve in result.BySubgroup.Of(k))
                competingAt.Add(new CompetingCauseAtJson(curve.Group, curve.CauseLabel, curve.Events, At(curve)));
        int threshold = study.SmallCellThreshold;
        var statement = CompetingRisksSentences.Statement(causes.EventOfInterest, causes.Competing, estimationRows.Length, events, competing);
        CompetingTreatmentJson? treatmentJson = null;
        if (result.Treatment is { } t && treatment is not null)
        {
            CompetingEffectJson Effect(CompetingTreatmentEffect e, TreatmentEffectJson causeSpecific, bool overall)
            {
                var json = new CompetingEffectJson(e.Subgroup,
                    e.IsEstimable ? causeSpecific.Estimable : e.Estimability == EffectEstimability.ModelFailed ? "model_failed" : causeSpecific.Estimable,
                    e.Subdistribution is { } s ? new SubdistributionHazardRatioJson(s.HazardRatio, s.Lower, s.Upper, s.PValue, s.StandardError) : null,
                    causeSpecific.Estimable == "yes" ? new HazardRatioJson(causeSpecific.Hr, causeSpecific.HrLower, causeSpecific.HrUpper, causeSpecific.P) : null,
                    e.AdjustedFor,
                    e.Differences.Select(d => new CumulativeIncidenceDifferenceJson(d.Time, d.Difference, d.StandardError, d.Lower, d.Upper, d.PValue)).ToArray(),
                    causeSpecific.Verdict, ResultsMapping.ToJson(CountedText.Plain(""), threshold),
                    CompetingRisksJson.From(e.ByArm, overall ? t.GrayByArm : null));
                return json with { Sentence = ResultsMapping.ToJson(CompetingRisksSentences.Effect(study, treatment, causes.EventOfInterest, json, overall), threshold) };
            }
            treatmentJson = new CompetingTreatmentJson("cause_specific_cox", Effect(t.Overall, treatment.Overall, true),
                t.BySubgroup.Select((e, s) => Effect(e, treatment.BySubgroup[s], false)).ToArray());
        }
        return new CompetingRisksRunJson(causes.EventOfInterest, causes.Competing, events, competing, censored, ResultsMapping.ToJson(statement, threshold),
            result.Landmarks, CompetingRisksJson.From(result.BySubgroup, result.GrayBySubgroup), competingAt, treatmentJson);
    }

    private static CumulativeIncidenceAtJson[] At(CumulativeIncidenceCurve curve) =>
        curve.At.Select(a => new CumulativeIncidenceAtJson(a.Time, a.CumulativeIncidence, a.StandardError, a.Lower, a.Upper, a.NRisk)).ToArray();
}

/// <summary>
/// The sentences of a competing-risks run, from typed fields with counts as slots (see <see cref="RunSentences"/>).
/// What the two hazard ratios mean follows Latouche, Allignol, Beyersmann, Labopin &amp; Fine (J Clin Epidemiol
/// 2013;66:648–653) and Austin &amp; Fine (Stat Med 2017;36:4391–4400): the cause-specific hazard ratio is the effect on
/// the rate of the event among patients still free of every event; the subdistribution hazard ratio is the effect
/// on its cumulative incidence, which also moves when the competing event's rate moves; report both, and the
/// cumulative incidences themselves.
/// </summary>
internal static class CompetingRisksSentences
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>What the competing event is and why it matters (the report's first screen).</summary>
    public static CountedText Statement(string eventOfInterest, IReadOnlyList<string> competing, int patients, int events, int competingEvents)
    {
        string others = competing.Count > 0 ? string.Join(" or ", competing) : "another cause";
        return CountedText.Format($"The event of interest is {eventOfInterest}; {others} competes with it: a patient who has {others} first can no longer have {eventOfInterest}. ")
            .Append(CountedText.Format($"Of the {TextCount.Patients(patients)} patients analysed, {new TextCount(events, CountOf.Events)} had {eventOfInterest} and {new TextCount(competingEvents, CountOf.Events)} had {others} first. "))
            .Append($"The curves and percentages below are cumulative incidences (Aalen–Johansen): the probability of having had {eventOfInterest} by a given time, "
                + $"allowing for {others} coming first. 1 − Kaplan–Meier would count the patients with {others} as censored, as if they could still have "
                + $"{eventOfInterest} later; they cannot, so it would overstate the risk of {eventOfInterest}.");
    }

    /// <summary>
    /// The effect in one set of patients on both hazard scales and as a difference in cumulative incidence at the
    /// landmarks; a subgroup's own estimates only when the interaction supports heterogeneity (its verdict says so).
    /// </summary>
    public static CountedText Effect(StudyJson study, TreatmentTailoringJson treatment, string eventOfInterest, CompetingEffectJson effect, bool overall)
    {
        string treated = RunSentences.Arm(treatment, treatment.Treated), reference = RunSentences.Arm(treatment, treatment.Reference);
        string who = overall ? "Across all patients" : $"In subgroup {effect.Subgroup}";
        if (effect.Estimable != "yes")
            return CountedText.Plain($"{who}, the {RunSentences.EffectNoun(treatment)} on {eventOfInterest} was not estimated ("
                + (effect.Estimable switch
                {
                    "too_few_patients" => string.Create(CultureInfo.InvariantCulture, $"an arm has fewer than {study.SmallCellThreshold} patients"),
                    "too_few_events" => $"an arm has {RunSentences.FewerEventsThan(treatment.MinEventsPerArm, eventOfInterest)}",
                    _ => "the model could not estimate it",
                }) + ").");
        if (!overall && effect.Verdict == "consistent with overall")
            return CountedText.Plain($"{who}, the {RunSentences.EffectNoun(treatment)} on {eventOfInterest} is consistent with that over all patients: "
                + "the overall estimates are the best guide for these patients.");
        string adjusted = effect.AdjustedFor.Count > 0 ? $", both adjusted for {string.Join(", ", effect.AdjustedFor)}" : "";
        var text = $"{who}, {treated} vs {reference}: subdistribution hazard ratio of {eventOfInterest} {Estimate(effect.Subdistribution?.Hr, effect.Subdistribution?.HrLower, effect.Subdistribution?.HrUpper, effect.Subdistribution?.P)} "
            + $"(Fine–Gray: the effect on how many patients have {eventOfInterest}, which also reflects any effect on the competing event); "
            + $"cause-specific hazard ratio {Estimate(effect.CauseSpecific?.Hr, effect.CauseSpecific?.HrLower, effect.CauseSpecific?.HrUpper, effect.CauseSpecific?.P)} "
            + $"(Cox: the effect on the rate of {eventOfInterest} among patients still free of every event){adjusted}.";
        var at = effect.Differences.Where(d => double.IsFinite(d.Difference)).ToList();
        if (at.Count > 0)
            text += " Difference in cumulative incidence (" + treated + " − " + reference + ", unadjusted): "
                + string.Join("; ", at.Select(d => $"{Percent(d.Difference)} points by {Time(d.Time)} {study.Endpoint.TimeUnit} (95% CI {Percent(d.Lower)} to {Percent(d.Upper)})")) + ".";
        return CountedText.Plain(text);
    }

    private static string Estimate(double? hr, double? lower, double? upper, double? p) =>
        hr is null ? "not estimable" : $"{RunSentences.Ratio(hr.Value)} (95% CI {RunSentences.Ratio(lower!.Value)}–{RunSentences.Ratio(upper!.Value)}; {RunSentences.PEquals(p!.Value)})";

    /// <summary>A difference of probabilities in percentage points with its sign: "−4.1", "+12.0".</summary>
    public static string Percent(double difference) => RunSentences.Signed(100 * difference);

    private static string Time(double value) =>
        !double.IsFinite(value) ? "NA" : Math.Abs(value) >= 100 ? value.ToString("F0", Invariant) : value.ToString("0.##", Invariant);
}
