using Stratify.Survival;

namespace Stratify.Tests.Survival;

/// <summary>
/// Cox fits agree with R's survival 3.5 coxph / summary.coxph / cox.zph / survfit on the bundled cohorts and the
/// edge cases of tests/reference/data, including lung with times that differ only by floating-point noise (the
/// lung_near_ties_* models, which coxph ties by its default timefix) (expected numbers:
/// tests/reference/cox_reference.json, from cox_reference.R).
/// Tolerances (relative), each the largest difference measured over the 25 models with room for other CPUs; both sides
/// run the same Newton–Raphson steps, so they agree to rounding, not to the convergence tolerance:
/// <list type="bullet">
/// <item>estimates, standard errors, z, intervals, baseline and predicted curves 1e-13 (measured 4.0e-14: a baseline
/// lower limit near 0; coefficients 3.0e-14; the reference JSON holds 15 significant digits, 5e-15);</item>
/// <item>log-likelihoods, Wald and score statistics, concordance 1e-14 (measured 5.7e-15);</item>
/// <item>the likelihood-ratio statistic 2(ℓ − ℓ₀) 1e-12 (measured 2.0e-13: a difference of two log-likelihoods cancels);</item>
/// <item>cox.zph χ² 1e-13 relative to max(χ², 1) (measured 2.6e-14; a χ² of 8e-10 agrees to 4e-16 absolutely);</item>
/// <item>p-values of the coefficients 2e-12 (measured 4.6e-13 at p = 3.5e-15), of the global tests 1e-11 (measured
/// 3.6e-12 at p = 2e-89: the p of a χ² of x carries x/2 times the statistic's relative error), of cox.zph 2e-11
/// (measured 5.0e-12, p = 0.99998 from a χ² of 8e-10);</item>
/// <item>counts, degrees of freedom, iterations and the times of the curves exactly.</item>
/// </list>
/// </summary>
public class CoxReferenceTests
{
    private const double Estimate = 1e-13;
    private const double Statistic = 1e-14;
    private const double LikelihoodRatio = 1e-12;
    private const double PValue = 2e-12;
    private const double GlobalTestPValue = 1e-11;
    private const double PhTestPValue = 2e-11;
    private static readonly Dictionary<string, CoxModel> Fits = new();

    public static IEnumerable<object[]> Models => CoxReferenceCase.Names();

    private static (CoxReferenceCase Case, CoxModel Model) Fitted(string name)
    {
        var reference = CoxReferenceCase.Load(name);
        lock (Fits)
        {
            if (!Fits.TryGetValue(name, out var model)) Fits[name] = model = reference.Fit();
            return (reference, model);
        }
    }

    [Theory, MemberData(nameof(Models))]
    public void Counts_rows_and_events_as_R(string name)
    {
        var (r, model) = Fitted(name);
        Assert.Equal(r.R.GetProperty("n").GetInt32(), model.N);
        Assert.Equal(r.R.GetProperty("events").GetInt32(), model.Events);
        Assert.Equal(r.Numbers("coef").Length, model.Coefficients.Count);
    }

    [Theory, MemberData(nameof(Models))]
    public void Ties_times_as_coxph_timefix_does(string name)
    {
        var (r, model) = Fitted(name);
        var distinct = r.R.GetProperty("distinct_times");
        // R: length(unique(time)) and length(unique(aeqSurv(Surv(time, event))[, 1])) on the rows R fitted.
        Assert.Equal(distinct.GetProperty("raw").GetInt32(), r.Bind().Time.Distinct().Count());
        Assert.Equal(distinct.GetProperty("timefix").GetInt32(), model.RiskSets.Time.Distinct().Count());
    }

    [Theory, MemberData(nameof(Models))]
    public void Coefficients_and_standard_errors_match_coxph(string name)
    {
        var (r, model) = Fitted(name);
        CoxAssert.Close(r.Numbers("coef"), model.Coefficients.Select(c => c.Coefficient).ToArray(), Estimate, "coef");
        CoxAssert.Close(r.Numbers("se"), model.Coefficients.Select(c => c.StandardError).ToArray(), Estimate, "se");
        CoxAssert.Close(r.Numbers("robust_se"), model.Coefficients.Select(c => c.RobustStandardError).ToArray(), Estimate, "robust se");
    }

    [Theory, MemberData(nameof(Models))]
    public void Hazard_ratios_and_intervals_match_summary_coxph(string name)
    {
        var (r, model) = Fitted(name);
        CoxAssert.Close(r.Numbers("hr"), model.Coefficients.Select(c => c.HazardRatio).ToArray(), Estimate, "exp(coef)");
        CoxAssert.Close(r.Numbers("hr_lower"), model.Coefficients.Select(c => c.HazardRatioLower).ToArray(), Estimate, "lower .95");
        CoxAssert.Close(r.Numbers("hr_upper"), model.Coefficients.Select(c => c.HazardRatioUpper).ToArray(), Estimate, "upper .95");
        CoxAssert.Close(r.Numbers("z"), model.Coefficients.Select(c => c.Z).ToArray(), Estimate, "z");
        CoxAssert.Close(r.Numbers("p"), model.Coefficients.Select(c => c.PValue).ToArray(), PValue, "Pr(>|z|)");
    }

    [Theory, MemberData(nameof(Models))]
    public void Log_likelihoods_and_global_tests_match_summary_coxph(string name)
    {
        var (r, model) = Fitted(name);
        CoxAssert.Close(r.R.GetProperty("loglik").GetProperty("null").GetDouble(), model.LogLikNull, Statistic, "loglik null");
        CoxAssert.Close(r.R.GetProperty("loglik").GetProperty("model").GetDouble(), model.LogLik, Statistic, "loglik model");
        foreach (var (key, test) in new[] { ("likelihood_ratio", model.LikelihoodRatio), ("wald", model.Wald), ("score", model.Score) })
        {
            var expected = r.R.GetProperty(key);
            CoxAssert.Close(expected.GetProperty("statistic").GetDouble(), test.Statistic, key == "likelihood_ratio" ? LikelihoodRatio : Statistic, key);
            Assert.Equal(expected.GetProperty("df").GetInt32(), test.DegreesOfFreedom);
            CoxAssert.Close(expected.GetProperty("p").GetDouble(), test.PValue, GlobalTestPValue, key + " p");
        }
    }

    [Theory, MemberData(nameof(Models))]
    public void Iterations_and_warnings_match_coxph(string name)
    {
        var (r, model) = Fitted(name);
        Assert.Equal(r.R.GetProperty("iterations").GetInt32(), model.Iterations);
        Assert.True(model.Converged);
        bool rWarnsInfinite = r.R.GetProperty("warnings").EnumerateArray().Any(w => w.GetString()!.Contains("may be infinite"));
        Assert.Equal(rWarnsInfinite, model.Warnings.Any(w => w.Contains("may be infinite")));
    }

    [Theory, MemberData(nameof(Models))]
    public void Concordance_and_its_standard_error_match_fit_concordance(string name)
    {
        var (r, model) = Fitted(name);
        var expected = r.R.GetProperty("concordance");
        CoxAssert.Close(expected.GetProperty("c").GetDouble(), model.Concordance.C, Statistic, "concordance");
        CoxAssert.Close(expected.GetProperty("se").GetDouble(), model.Concordance.StandardError, Statistic, "std");
    }

    [Theory, MemberData(nameof(Models))]
    public void Proportional_hazards_test_matches_cox_zph(string name)
    {
        var (r, model) = Fitted(name);
        var zph = r.R.GetProperty("zph");
        var result = ProportionalHazardsTest.Compute(model);
        var rows = result.Terms.Append(result.Global).ToArray();
        Assert.Equal(zph.GetProperty("terms").EnumerateArray().Select(t => t.GetString()).ToArray(), rows.Select(t => t.Term).ToArray());
        CoxAssert.Close(CoxReferenceCase.Numbers(zph.GetProperty("chisq")), rows.Select(t => t.Statistic).ToArray(), Estimate, "chisq", floor: 1);
        Assert.Equal(CoxReferenceCase.Numbers(zph.GetProperty("df")), rows.Select(t => (double)t.DegreesOfFreedom).ToArray());
        CoxAssert.Close(CoxReferenceCase.Numbers(zph.GetProperty("p")), rows.Select(t => t.PValue).ToArray(), PhTestPValue, "p");
    }

    [Theory, MemberData(nameof(Models))]
    public void Baseline_survival_matches_survfit_at_the_mean_profile(string name)
    {
        var (r, model) = Fitted(name);
        var baseline = r.R.GetProperty("baseline");
        var curves = model.BaselineSurvival();
        Assert.Equal(CoxReferenceCase.Numbers(baseline.GetProperty("time")), curves.SelectMany(c => c.Time).ToArray());
        Assert.Equal(CoxReferenceCase.Numbers(baseline.GetProperty("n_risk")), curves.SelectMany(c => c.AtRisk).Select(v => (double)v).ToArray());
        Assert.Equal(CoxReferenceCase.Numbers(baseline.GetProperty("n_event")), curves.SelectMany(c => c.Events).Select(v => (double)v).ToArray());
        CoxAssert.Close(CoxReferenceCase.Numbers(baseline.GetProperty("surv")), curves.SelectMany(c => c.Survival).ToArray(), Estimate, "surv");
    }

    [Theory, MemberData(nameof(Models))]
    public void Baseline_standard_errors_and_limits_match_survfit(string name)
    {
        var (r, model) = Fitted(name);
        var baseline = r.R.GetProperty("baseline");
        var curves = model.BaselineSurvival();
        CoxAssert.Close(CoxReferenceCase.Numbers(baseline.GetProperty("std_err")), curves.SelectMany(c => c.StandardError).ToArray(), Estimate, "std.err");
        CoxAssert.Close(CoxReferenceCase.Numbers(baseline.GetProperty("lower")), curves.SelectMany(c => c.Lower).ToArray(), Estimate, "lower");
        CoxAssert.Close(CoxReferenceCase.Numbers(baseline.GetProperty("upper")), curves.SelectMany(c => c.Upper).ToArray(), Estimate, "upper");
    }

    [Theory, MemberData(nameof(Models))]
    public void Predicted_survival_for_a_profile_matches_survfit_newdata(string name)
    {
        // Every model has a profile: the one chosen in cox_reference.R or, for the others, its first patient.
        var (r, model) = Fitted(name);
        var predicted = r.R.GetProperty("predicted");
        var curves = model.PredictSurvival(CoxReferenceCase.Numbers(predicted.GetProperty("design")));
        Assert.Equal(CoxReferenceCase.Numbers(predicted.GetProperty("time")), curves.SelectMany(c => c.Time).ToArray());
        CoxAssert.Close(CoxReferenceCase.Numbers(predicted.GetProperty("surv")), curves.SelectMany(c => c.Survival).ToArray(), Estimate, "surv");
        CoxAssert.Close(CoxReferenceCase.Numbers(predicted.GetProperty("std_err")), curves.SelectMany(c => c.StandardError).ToArray(), Estimate, "std.err");
        CoxAssert.Close(CoxReferenceCase.Numbers(predicted.GetProperty("lower")), curves.SelectMany(c => c.Lower).ToArray(), Estimate, "lower");
        CoxAssert.Close(CoxReferenceCase.Numbers(predicted.GetProperty("upper")), curves.SelectMany(c => c.Upper).ToArray(), Estimate, "upper");
    }
}
