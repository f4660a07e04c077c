using System.Text.Json;
using Stratify.Data;
using Stratify.Stratification;
using Stratify.Survival;
using static Stratify.Tests.Survival.SurvivalReference;

namespace Stratify.Tests.Stratification;

/// <summary>
/// The observational chemotherapy comparison of rotterdam end to end against R (tests/reference/propensity_reference.R):
/// the propensity glm on rotterdam.yaml's covariates, stabilised IPTW weights with and without 1%/99% truncation,
/// effective sample sizes, the overlap summary, standardised mean differences before and after weighting, and the
/// weighted Cox model with robust SE (coxph(weights = w, robust = TRUE)) and weighted Kaplan–Meier by arm
/// (survfit(weights = w)).
/// </summary>
public class PropensityWeightingReferenceTests
{
    /// <summary>Largest relative difference measured: 7.9e-14 (the robust score test); weights, propensity scores 1.7e-14; the Cox p 1.9e-14.</summary>
    private const double Tolerance = 2e-13;

    /// <summary>SMDs near 0 are differences of nearly equal means: compared absolutely (largest difference measured 6.7e-15).</summary>
    private const double BalanceTolerance = 1e-13;

    private static readonly Lazy<JsonElement> R = new(() =>
        JsonDocument.Parse(File.ReadAllText(RepoPaths.ReferenceFile("propensity_reference.json"))).RootElement.GetProperty("rotterdam"));

    private static readonly Lazy<BoundStudy> Rotterdam = new(() => StudyBinder.Load(StudySpecReader.Read(RepoPaths.Dataset("rotterdam.yaml"))));

    public static TheoryData<string> Variants => new() { "untrimmed", "trimmed" };

    private static PropensityWeights Weights(string variant) =>
        PropensityWeighting.Fit(Rotterdam.Value, new PropensityWeightingOptions { Trim = variant == "trimmed" ? 0.01 : null });

    [Fact]
    public void Propensity_model_and_scores_equal_glm_on_the_declared_confounders()
    {
        var iptw = Weights("untrimmed");
        var r = R.Value;
        var model = r.GetProperty("propensity_model");
        var byTerm = iptw.Model.Coefficients.ToDictionary(c => c.Term);
        var terms = model.GetProperty("terms").EnumerateArray().Select(t => t.GetString()!).ToArray();
        Assert.Equal(terms.Order(), byTerm.Keys.Order());
        for (int k = 0; k < terms.Length; k++)
        {
            AssertClose(Numbers(model.GetProperty("coef"))[k], byTerm[terms[k]].Estimate, Tolerance, terms[k] + " coef");
            AssertClose(Numbers(model.GetProperty("se"))[k], byTerm[terms[k]].StandardError, Tolerance, terms[k] + " se");
        }
        AssertClose(Number(model.GetProperty("deviance")), iptw.Model.Deviance, Tolerance, "deviance");
        AssertClose(Number(model.GetProperty("aic")), iptw.Model.Aic, Tolerance, "aic");
        Assert.Equal(model.GetProperty("iterations").GetInt32(), iptw.Model.Iterations);
        Assert.Empty(iptw.Model.Warnings);
        AssertClose(Numbers(r.GetProperty("propensity")), iptw.PropensityScores.ToArray(), Tolerance, "propensity");
        AssertClose(Number(r.GetProperty("treated_proportion")), iptw.TreatedProportion, 1e-15, "P(T = 1)");
    }

    [Theory, MemberData(nameof(Variants))]
    public void Stabilised_weights_and_effective_sample_sizes_equal_the_formulas_in_R(string variant)
    {
        var iptw = Weights(variant);
        var r = R.Value.GetProperty(variant);
        AssertClose(Numbers(r.GetProperty("weights")), iptw.Weights.ToArray(), Tolerance, "weights");
        AssertClose(Number(r.GetProperty("ess").GetProperty("treated")), iptw.Treated.EffectiveSampleSize, Tolerance, "ESS treated");
        AssertClose(Number(r.GetProperty("ess").GetProperty("reference")), iptw.Reference.EffectiveSampleSize, Tolerance, "ESS reference");
        AssertClose(Number(r.GetProperty("weight_sum").GetProperty("treated")), iptw.Treated.WeightSum, Tolerance, "sum treated");
        Assert.Equal(("yes", "no"), (iptw.Treated.Arm, iptw.Reference.Arm));
        Assert.Equal(R.Value.GetProperty("treated").GetInt32(), iptw.Treated.N);
        if (variant == "trimmed")
        {
            AssertClose(Numbers(r.GetProperty("bounds")), [iptw.Truncation!.Lower, iptw.Truncation.Upper], Tolerance, "bounds");
            Assert.Equal(r.GetProperty("clipped").GetInt32(), iptw.Truncation.Clipped);
        }
        else Assert.Null(iptw.Truncation);
    }

    [Fact]
    public void Overlap_summary_equals_quantiles_bins_and_common_support_in_R()
    {
        var overlap = Weights("untrimmed").Overlap;
        var r = R.Value.GetProperty("overlap");
        AssertClose(Numbers(r.GetProperty("treated_quantiles")), overlap.Treated.Quantiles.ToArray(), Tolerance, "treated quantiles");
        AssertClose(Numbers(r.GetProperty("reference_quantiles")), overlap.Reference.Quantiles.ToArray(), Tolerance, "reference quantiles");
        Assert.Equal(r.GetProperty("treated_bins").EnumerateArray().Select(b => b.GetInt32()), overlap.Treated.BinCounts);
        Assert.Equal(r.GetProperty("reference_bins").EnumerateArray().Select(b => b.GetInt32()), overlap.Reference.BinCounts);
        AssertClose(Numbers(r.GetProperty("common_support")), [overlap.CommonSupportLower, overlap.CommonSupportUpper], Tolerance, "support");
        Assert.Equal(r.GetProperty("treated_outside").GetInt32(), overlap.Treated.OutsideCommonSupport);
        Assert.Equal(r.GetProperty("reference_outside").GetInt32(), overlap.Reference.OutsideCommonSupport);
        Assert.Equal(21, overlap.BinEdges.Count);
    }

    [Theory, MemberData(nameof(Variants))]
    public void Standardised_mean_differences_before_and_after_weighting_equal_the_formulas_in_R(string variant)
    {
        var study = Rotterdam.Value;
        var iptw = Weights(variant);
        var rows = CovariateBalance.Compute(PropensityWeighting.TreatedRows(study.Treatment!), study.Covariates.Select(StudyTerms.From).ToArray(), iptw.Weights)
            .ToDictionary(row => row.Term);
        var r = R.Value.GetProperty(variant).GetProperty("balance");
        var terms = r.GetProperty("term").EnumerateArray().Select(t => t.GetString()!).ToArray();
        Assert.Equal(terms.Order(), rows.Keys.Order());
        for (int k = 0; k < terms.Length; k++)
        {
            double before = Numbers(r.GetProperty("before"))[k], after = Numbers(r.GetProperty("after"))[k];
            Assert.True(Math.Abs(before - rows[terms[k]].Before) <= BalanceTolerance, $"{terms[k]} before: R {before:R}, Stratify {rows[terms[k]].Before:R}");
            Assert.True(Math.Abs(after - rows[terms[k]].After) <= BalanceTolerance, $"{terms[k]} after: R {after:R}, Stratify {rows[terms[k]].After:R}");
        }
    }

    [Theory, MemberData(nameof(Variants))]
    public void Weighted_cox_with_robust_variance_equals_coxph(string variant)
    {
        var study = Rotterdam.Value;
        var iptw = Weights(variant);
        var model = CoxProportionalHazards.Fit(study.Time!, study.Event!, DesignMatrix.Build([StudyTerms.From(study.Treatment!)]),
            options: new CoxOptions { Weights = iptw.WeightArray(), Robust = true });
        var r = R.Value.GetProperty(variant).GetProperty("cox");
        var c = Assert.Single(model.Coefficients);
        AssertClose(Number(r.GetProperty("coef")), c.Coefficient, Tolerance, "coef");
        AssertClose(Number(r.GetProperty("se")), c.StandardError, Tolerance, "se");
        AssertClose(Number(r.GetProperty("robust_se")), c.RobustStandardError, Tolerance, "robust se");
        AssertClose(Number(r.GetProperty("hr_lower")), c.HazardRatioLower, Tolerance, "lower");
        AssertClose(Number(r.GetProperty("hr_upper")), c.HazardRatioUpper, Tolerance, "upper");
        AssertClose(Number(r.GetProperty("p")), c.PValue, Tolerance, "p");
        AssertClose(Numbers(r.GetProperty("loglik")), [model.LogLikNull, model.LogLik], Tolerance, "loglik");
        AssertClose(Number(r.GetProperty("robust_score")), model.RobustScore!.Statistic, Tolerance, "robust score");
        AssertClose(Number(r.GetProperty("wald")), model.Wald.Statistic, Tolerance, "wald");
        AssertClose(Number(r.GetProperty("concordance")), model.Concordance.C, Tolerance, "concordance");
        AssertClose(Number(r.GetProperty("concordance_se")), model.Concordance.StandardError, Tolerance, "concordance se");
    }

    [Theory, MemberData(nameof(Variants))]
    public void Weighted_kaplan_meier_by_arm_equals_survfit(string variant)
    {
        var study = Rotterdam.Value;
        var treatment = study.Treatment!;
        var data = new SurvivalData(study.Time!, study.Event!, treatment.Codes, treatment.Levels, weights: Weights(variant).WeightArray());
        var fit = ProductLimit.Fit(data, new KaplanMeierOptions { Times = [365, 1825, 3650], RmstHorizon = 3650 });
        var r = R.Value.GetProperty(variant).GetProperty("km");
        Assert.Equal(KaplanMeierVariance.InfinitesimalJackknife, fit.Variance);
        Assert.Equal(new[] { "no", "yes" }, fit.Curves.Select(c => c.Group));
        for (int a = 0; a < 2; a++)
        {
            var curve = fit.Curves[a];
            var rc = r.GetProperty("curves")[a];
            AssertClose(Numbers(rc.GetProperty("time")), curve.Time, 0, "time");
            AssertClose(Numbers(rc.GetProperty("n_risk")), curve.WeightedNRisk!, Tolerance, "n.risk");
            AssertClose(Numbers(rc.GetProperty("surv")), curve.Survival, Tolerance, "surv");
            AssertClose(Numbers(rc.GetProperty("se")), curve.StandardError, Tolerance, "se");
            AssertClose(Numbers(rc.GetProperty("lower")), curve.Lower, Tolerance, "lower");
            AssertClose(Numbers(rc.GetProperty("upper")), curve.Upper, Tolerance, "upper");
            AssertClose(Numbers(r.GetProperty("median"))[a], curve.Median.Time, 0, "median");
            AssertClose(Numbers(r.GetProperty("median_lower"))[a], curve.Median.Lower, 0, "median lower");
            AssertClose(Numbers(r.GetProperty("median_upper"))[a], curve.Median.Upper, 0, "median upper");
            AssertClose(Numbers(r.GetProperty("rmst"))[a], curve.Rmst!.Value.Mean, Tolerance, "rmst");
            AssertClose(Numbers(r.GetProperty("rmst_se"))[a], curve.Rmst!.Value.StandardError, Tolerance, "rmst se");
            for (int t = 0; t < 3; t++)
            {
                var at = curve.At[t];
                int k = a * 3 + t;
                AssertClose(Numbers(r.GetProperty("at_surv"))[k], at.Survival, Tolerance, $"S({at.Time})");
                AssertClose(Numbers(r.GetProperty("at_se"))[k], at.StandardError, Tolerance, $"se({at.Time})");
                AssertClose(Numbers(r.GetProperty("at_lower"))[k], at.Lower, Tolerance, $"lower({at.Time})");
                AssertClose(Numbers(r.GetProperty("at_upper"))[k], at.Upper, Tolerance, $"upper({at.Time})");
                AssertClose(Numbers(r.GetProperty("at_n_risk"))[k], at.WeightedNRisk, Tolerance, $"n.risk({at.Time})");
            }
        }
    }
}
