using Stratify.Data;
using Stratify.Statistics;
using Stratify.Survival;

namespace Stratify.Stratification;

/// <summary>What the data say about the treatment in one subgroup.</summary>
public enum TreatmentVerdict
{
    /// <summary>The 95% CI of the hazard ratio lies below 1.</summary>
    Benefit,
    /// <summary>The 95% CI includes 1.</summary>
    NoClearDifference,
    /// <summary>The 95% CI lies above 1.</summary>
    Harm,
    /// <summary>No hazard ratio could be estimated (an arm without patients or events).</summary>
    NotEstimable,
}

/// <summary>
/// The treatment effect in a set of patients: the hazard ratio of the treated arm against the reference arm from a
/// Cox model with treatment as the only covariate (stratified by the study's strata; Efron ties) with its Wald 95% CI
/// and p; Kaplan–Meier by arm; and the difference in restricted mean survival time to τ (treated − reference), whose
/// SE is √(se₁² + se₀²) from the two independent arms' KM-based RMST variances (Royston &amp; Parmar 2013), with a
/// normal 95% CI.
/// </summary>
public sealed record TreatmentEffect(
    string Subgroup, int N, int Events,
    double HazardRatio, double Lower, double Upper, double P,
    double RmstDifference, double RmstDifferenceSe,
    TreatmentVerdict Verdict,
    KaplanMeierEstimate ByArm);

/// <summary>The subgroup × treatment interaction: likelihood-ratio test of the interaction columns.</summary>
public sealed record InteractionTest(double Statistic, int Df, double P);

/// <summary>Estimates the treatment effect within subgroups, overall, and tests their heterogeneity.</summary>
public static class TreatmentTailoring
{
    /// <summary>
    /// The effect among <paramref name="rows"/> (indices into the bound study's analysed rows).
    /// </summary>
    public static TreatmentEffect Estimate(BoundStudy study, int[] rows, string subgroup, KaplanMeierOptions km)
    {
        var treatment = study.Treatment!;
        var time = RowSelection.Pick(study.Time!, rows);
        var died = RowSelection.Pick(study.Event!, rows);
        var arm = RowSelection.Pick(treatment.Codes, rows);
        int events = died.Count(e => e);
        // KM by arm, reference arm first as in the treatment factor's level order.
        var byArm = KaplanMeier.Fit(new SurvivalData(time, died, arm, treatment.Levels), km);
        var eventsByArm = new int[2];
        var countByArm = new int[2];
        for (int i = 0; i < rows.Length; i++) { countByArm[arm[i]]++; if (died[i]) eventsByArm[arm[i]]++; }

        double hr = double.NaN, lower = double.NaN, upper = double.NaN, p = double.NaN;
        if (countByArm[0] > 0 && countByArm[1] > 0 && eventsByArm[0] > 0 && eventsByArm[1] > 0)
        {
            var arms = new Factor(treatment.Name, arm, treatment.Levels, treatment.Reference);
            var strata = study.Strata is null ? null : RowSelection.Pick(study.Strata.Codes, rows);
            var model = CoxProportionalHazards.Fit(time, died, DesignMatrix.Build([StudyTerms.From(arms)]), strata);
            var coefficient = model.Coefficients[0];
            if (!coefficient.Aliased && model.Warnings.Count == 0)
                (hr, lower, upper, p) = (coefficient.HazardRatio, coefficient.HazardRatioLower, coefficient.HazardRatioUpper, coefficient.P);
        }
        var verdict = double.IsNaN(hr) ? TreatmentVerdict.NotEstimable
            : upper < 1 ? TreatmentVerdict.Benefit
            : lower > 1 ? TreatmentVerdict.Harm
            : TreatmentVerdict.NoClearDifference;

        double difference = double.NaN, se = double.NaN;
        var curves = byArm.Curves;
        var reference = curves.FirstOrDefault(c => c.Group == treatment.Levels[treatment.Reference]);
        var active = curves.FirstOrDefault(c => c.Group == treatment.Levels[treatment.Reference == 0 ? 1 : 0]);
        if (reference?.Rmst is { } r0 && active?.Rmst is { } r1)
        {
            difference = r1.Mean - r0.Mean;
            se = Math.Sqrt(r1.StdErr * r1.StdErr + r0.StdErr * r0.StdErr);
        }
        return new TreatmentEffect(subgroup, rows.Length, events, hr, lower, upper, p, difference, se, verdict, byArm);
    }

    /// <summary>
    /// Likelihood-ratio test of heterogeneity: Cox model with subgroup + treatment (+ the study's covariates) against
    /// the same model plus the subgroup × treatment product columns; df = the number of product columns the data
    /// can estimate (non-aliased).
    /// </summary>
    public static InteractionTest Interaction(BoundStudy study, Factor subgroups, int[] rows)
    {
        var time = RowSelection.Pick(study.Time!, rows);
        var died = RowSelection.Pick(study.Event!, rows);
        var subgroup = new Factor(subgroups.Name, RowSelection.Pick(subgroups.Codes, rows), subgroups.Levels, subgroups.Reference);
        var treatment = study.Treatment!;
        var arm = new Factor(treatment.Name, RowSelection.Pick(treatment.Codes, rows), treatment.Levels, treatment.Reference);
        var covariates = study.Covariates.Where(c => c.Name != treatment.Name && c.Name != subgroups.Name)
            .Select(c => StudyTerms.Restrict(StudyTerms.From(c), rows)).ToList();
        var strata = study.Strata is null ? null : RowSelection.Pick(study.Strata.Codes, rows);

        var main = new List<CovariateTerm> { StudyTerms.From(subgroup), StudyTerms.From(arm) };
        main.AddRange(covariates);
        var products = new List<CovariateTerm>();
        int treatedLevel = treatment.Reference == 0 ? 1 : 0;
        for (int s = 0; s < subgroup.LevelCount; s++)
        {
            if (s == subgroup.Reference) continue;
            var values = new double[rows.Length];
            for (int i = 0; i < rows.Length; i++) values[i] = subgroup.Codes[i] == s && arm.Codes[i] == treatedLevel ? 1 : 0;
            products.Add(CovariateTerm.Numeric($"{subgroup.Name}={subgroup.Levels[s]}:{arm.Name}={arm.Levels[treatedLevel]}", values));
        }
        var reduced = CoxProportionalHazards.Fit(time, died, DesignMatrix.Build(main), strata);
        var full = CoxProportionalHazards.Fit(time, died, DesignMatrix.Build([.. main, .. products]), strata);
        int df = full.Coefficients.Count(c => !c.Aliased) - reduced.Coefficients.Count(c => !c.Aliased);
        double statistic = Math.Max(0, 2 * (full.LogLik - reduced.LogLik));
        double p = TailProbability.ChiSquarePValue(statistic, df);
        return new InteractionTest(statistic, df, p);
    }
}
