// Competing risks through the run: when the event column holds causes (event_of_interest, competing), a patient who
// dies of a competing cause can no longer have the event of interest, so 1 − Kaplan–Meier (which counts them as
// censored) overstates its risk. The run then reports, on the estimation patients:
//   - the cumulative incidence of the event of interest (Aalen–Johansen; infinitesimal-jackknife variance, log-scale
//     95% limits, as R's survfit on multi-state data) by subgroup, with Gray's (1988) test between subgroups, and the
//     competing causes' cumulative incidence at the landmarks beside it (Austin & Fine 2017: report both);
//   - with a treatment, the cumulative incidence by arm (all patients, and within each subgroup) with Gray's test,
//     and for every set of patients the treatment effect on two scales (Latouche et al. 2013):
//       * the subdistribution hazard ratio from a Fine–Gray model (Fine & Gray 1999; crr's sandwich variance, Breslow
//         ties, censoring distribution as crr) of treatment + the covariates that set's cause-specific model was
//         adjusted for (TreatmentTailoring decides which can be estimated there);
//       * the cause-specific hazard ratio: TreatmentTailoring's Cox model, in which the binder's cause-specific event
//         indicator counts the competing causes as censored;
//       * the difference in cumulative incidence, treated − reference, at each landmark, with the Wald interval of
//         two independent curves (CumulativeIncidenceComparison).
//   - The subgroup × treatment interaction (the bottom line) stays TreatmentTailoring's test on the cause-specific
//     Cox models, the same test the survival path uses; this analysis adds nothing to it.
// Estimates follow TreatmentTailoring's small-cell rules: a set whose effect is not estimable there (too few patients
// or events of interest in an arm) gets no subdistribution hazard ratio and no differences either.
// Not done here: weights (cuminc and crr take none; the run refuses them before this point) and strata (crr has none).
using Stratify.Data;
using Stratify.Survival;

namespace Stratify.Stratification;

/// <summary>
/// The treatment effect on the competing-risks scales in one set of patients (a subgroup or all patients): the
/// subdistribution hazard ratio (Fine–Gray; null when not estimable), the covariates it was adjusted for, the
/// cumulative incidence by arm (reference arm first) and the differences treated − reference at the landmarks
/// (empty when not estimable). The cause-specific hazard ratio is the matching <see cref="TreatmentEffect"/>.
/// </summary>
internal sealed record CompetingTreatmentEffect(
    string Subgroup,
    EffectEstimability Estimability,
    HazardRatioEstimate? Subdistribution,
    IReadOnlyList<string> AdjustedFor,
    CumulativeIncidenceEstimate ByArm,
    IReadOnlyList<CumulativeIncidenceDifference> Differences)
{
    public bool IsEstimable => Estimability == EffectEstimability.Estimable;
}

/// <summary>The competing-risks view of the treatment: all patients, each subgroup, and Gray's test between the arms.</summary>
internal sealed record CompetingTreatmentResult(
    CompetingTreatmentEffect Overall,
    IReadOnlyList<CompetingTreatmentEffect> BySubgroup,
    GrayTestResult? GrayByArm);

/// <summary>
/// What a run reports on competing-risks data: the causes, the cumulative incidence of every cause by subgroup
/// (cause 1 the event of interest) with Gray's test of the event of interest between subgroups, the landmarks, and
/// the treatment on the competing-risks scales (null without a treatment).
/// </summary>
internal sealed record CompetingRisksRunResult(
    CompetingCauses Causes,
    CumulativeIncidenceEstimate BySubgroup,
    GrayTestResult? GrayBySubgroup,
    IReadOnlyList<double> Landmarks,
    CompetingTreatmentResult? Treatment);

/// <summary>Cumulative incidence and the competing-risks treatment effects of a run (see the file header).</summary>
/// <example><code>
/// var cr = CompetingRisksAnalysis.Analyse(bound, subgroupFactor, placedRows, estimationRows, [1826, 3652], tailoring);
/// var fiveYears = cr.BySubgroup.Of(1)[0].At[0];   // melanoma death by 5 years in the first subgroup
/// </code></example>
internal static class CompetingRisksAnalysis
{
    /// <param name="subgroups">Subgroup codes of <paramref name="rows"/> (entry i belongs to rows[i]).</param>
    /// <param name="rows">The estimation patients with a subgroup (indices into the bound study's analysed rows).</param>
    /// <param name="overallRows">Every estimation patient (the overall treatment effect).</param>
    /// <param name="treatment">The cause-specific tailoring of the same rows, or null without a treatment.</param>
    public static CompetingRisksRunResult Analyse(BoundStudy study, Factor subgroups, int[] rows, int[] overallRows, IReadOnlyList<double> landmarks,
        TreatmentTailoringResult? treatment, IReadOnlyList<BoundCovariate> covariates)
    {
        var causes = study.Causes ?? throw new ArgumentException("the study has no competing causes", nameof(study));
        var options = new CumulativeIncidenceOptions { Times = landmarks.ToArray() };
        var bySubgroup = Data(study, rows, subgroups);
        var incidence = AalenJohansen.Fit(bySubgroup, options);
        var gray = PresentGroups(incidence) >= 2 ? GrayTest.Compute(bySubgroup) : null;
        CompetingTreatmentResult? effects = null;
        if (treatment is not null)
        {
            var arm = study.Treatment!;
            var members = new List<int>[subgroups.LevelCount];
            for (int s = 0; s < members.Length; s++) members[s] = [];
            for (int i = 0; i < rows.Length; i++) members[subgroups.Codes[i]].Add(rows[i]);
            var overall = Effect(study, overallRows, treatment.Overall, covariates, options);
            var each = new CompetingTreatmentEffect[subgroups.LevelCount];
            for (int s = 0; s < each.Length; s++) each[s] = Effect(study, members[s].ToArray(), treatment.BySubgroup[s], covariates, options);
            var byArm = Data(study, overallRows, arm.Select(overallRows));
            effects = new CompetingTreatmentResult(overall, each, PresentGroups(overall.ByArm) >= 2 ? GrayTest.Compute(byArm) : null);
        }
        return new CompetingRisksRunResult(causes, incidence, gray, landmarks.ToArray(), effects);
    }

    /// <summary>The competing-risks data of <paramref name="rows"/>, grouped by <paramref name="group"/> (codes per entry of rows).</summary>
    private static CompetingRisksData Data(BoundStudy study, int[] rows, Factor group)
    {
        var causes = study.Causes!;
        var labels = new string[causes.CauseCount + 1];
        labels[0] = "censored";
        for (int k = 1; k <= causes.CauseCount; k++) labels[k] = causes.Label(k);
        return new CompetingRisksData(RowSelection.Pick(study.Time!, rows), RowSelection.Pick(causes.Codes, rows), labels, group.Codes, group.Levels);
    }

    private static int PresentGroups(CumulativeIncidenceEstimate estimate) => estimate.Of(1).Count;

    /// <summary>
    /// The competing-risks effect among <paramref name="rows"/>: the arms' curves always; the Fine–Gray model and the
    /// differences at the landmarks only where the cause-specific effect was estimable.
    /// </summary>
    private static CompetingTreatmentEffect Effect(BoundStudy study, int[] rows, TreatmentEffect causeSpecific, IReadOnlyList<BoundCovariate> covariates,
        CumulativeIncidenceOptions options)
    {
        var treatment = study.Treatment!;
        var arm = treatment.Select(rows);
        var byArm = AalenJohansen.Fit(Data(study, rows, arm), options);
        var none = new CompetingTreatmentEffect(causeSpecific.Subgroup, causeSpecific.Estimability, null, [], byArm, []);
        if (!causeSpecific.IsEstimable) return none;

        string reference = treatment.Levels[treatment.Reference], treated = treatment.Levels[1 - treatment.Reference];
        var curves = byArm.Of(1);
        var referenceCurve = curves.First(c => c.Group == reference);
        var treatedCurve = curves.First(c => c.Group == treated);
        var differences = CumulativeIncidenceComparison.At(treatedCurve, referenceCurve, options.Times);

        // The covariates of this set's cause-specific model, so that both hazard ratios are adjusted for the same terms.
        var byName = covariates.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var terms = new List<CovariateTerm> { StudyTerms.From(arm) };
        foreach (var name in causeSpecific.AdjustedFor) terms.Add(TreatmentTailoring.Restricted(byName[name], rows)!);
        var model = FineGrayRegression.Fit(RowSelection.Pick(study.Time!, rows), RowSelection.Pick(study.Causes!.Codes, rows), DesignMatrix.Build(terms));
        var c = model.Coefficients[0];
        bool usable = model.Converged && !c.Aliased && double.IsFinite(c.HazardRatio) && double.IsFinite(c.HazardRatioLower) && double.IsFinite(c.HazardRatioUpper);
        if (!usable) return none with { Estimability = EffectEstimability.ModelFailed, Differences = differences };
        return none with
        {
            Subdistribution = new HazardRatioEstimate(c.HazardRatio, c.HazardRatioLower, c.HazardRatioUpper, c.PValue, c.Coefficient, c.StandardError),
            AdjustedFor = causeSpecific.AdjustedFor,
            Differences = differences,
        };
    }
}
