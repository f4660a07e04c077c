using Stratify.Data;
using Stratify.Statistics;
using Stratify.Stratification;
using Stratify.Survival;

namespace Stratify.Tests.Stratification;

/// <summary>
/// Hand-checked behaviour of the propensity kernels, and every input they refuse (the R comparison is in
/// <see cref="PropensityWeightingReferenceTests"/> and LogisticRegressionReferenceTests).
/// </summary>
public class PropensityWeightingTests
{
    [Fact]
    public void Balance_of_a_number_uses_weighted_means_over_the_unweighted_pooled_sd()
    {
        // Treated x = 1, 3 (weights 1, 3), reference x = 2, 6 (weights 1, 1): variances 2 and 8, pooled SD √5.
        bool[] treated = [true, true, false, false];
        var row = Assert.Single(CovariateBalance.Compute(treated, [CovariateTerm.Numeric("x", [1, 3, 2, 6])], [1, 3, 1, 1]));
        Assert.Equal(-2 / Math.Sqrt(5), row.Before, 15);
        Assert.Equal((2.5 - 4) / Math.Sqrt(5), row.After, 15);   // treated weighted mean (1 + 9) / 4 = 2.5
        Assert.Equal(("x", null), (row.Covariate, row.Level));
    }

    [Fact]
    public void Balance_of_a_categorical_term_has_one_row_per_level_with_p_times_1_minus_p()
    {
        // Treated levels a, b (weights 3, 1); reference a, a.
        bool[] treated = [true, true, false, false];
        var rows = CovariateBalance.Compute(treated, [CovariateTerm.Categorical("site", [0, 1, 0, 0], ["a", "b"])], [3, 1, 1, 1]);
        Assert.Equal(new[] { "site=a", "site=b" }, rows.Select(r => r.Term));
        double pooled = Math.Sqrt((0.5 * 0.5 + 0) / 2);
        Assert.Equal((0.5 - 1) / pooled, rows[0].Before, 15);
        Assert.Equal((0.75 - 1) / pooled, rows[0].After, 15);
        Assert.Equal((0.25 - 0) / pooled, rows[1].After, 15);
    }

    [Fact]
    public void Weights_are_the_treated_proportion_over_the_propensity_score_and_sum_to_about_the_arm_size()
    {
        var (treated, design) = Simulated(400, 7);
        var iptw = PropensityWeighting.Fit(treated, design);
        for (int i = 0; i < treated.Length; i++)
        {
            double e = iptw.PropensityScores[i];
            Assert.Equal(treated[i] ? iptw.TreatedProportion / e : (1 - iptw.TreatedProportion) / (1 - e), iptw.Weights[i], 15);
        }
        // E[T/e(X)] = 1, so the stabilised weights of an arm sum to about its size (not exactly: the logistic score
        // equations balance Σe, not Σ1/e).
        Assert.Equal(iptw.Treated.N, iptw.Treated.WeightSum, 0.05 * iptw.Treated.N);
        double squares = 0;
        for (int i = 0; i < treated.Length; i++) if (treated[i]) squares += iptw.Weights[i] * iptw.Weights[i];
        Assert.Equal(iptw.Treated.WeightSum * iptw.Treated.WeightSum / squares, iptw.Treated.EffectiveSampleSize, 10);
    }

    [Fact]
    public void Truncation_clips_to_the_quantiles_of_all_weights()
    {
        var (treated, design) = Simulated(400, 11);
        var raw = PropensityWeighting.Fit(treated, design);
        var trimmed = PropensityWeighting.Fit(treated, design, new PropensityWeightingOptions { Trim = 0.05 });
        var sorted = raw.Weights.Order().ToArray();
        var t = trimmed.Truncation!;
        Assert.Equal(SampleQuantile.Type7(sorted, 0.05), t.Lower);
        Assert.Equal(SampleQuantile.Type7(sorted, 0.95), t.Upper);
        Assert.Equal(raw.Weights.Count(w => w < t.Lower || w > t.Upper), t.Clipped);
        Assert.All(trimmed.Weights, w => Assert.InRange(w, t.Lower, t.Upper));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(-0.1)]
    public void A_trim_outside_0_to_half_is_refused(double trim)
    {
        var (treated, design) = Simulated(100, 3);
        var e = Assert.Throws<StratifyInputException>(() => PropensityWeighting.Fit(treated, design, new PropensityWeightingOptions { Trim = trim }));
        Assert.Contains("the weight trim must lie strictly between 0 and 0.5", e.Message);
    }

    [Fact]
    public void A_study_without_a_treatment_or_without_confounders_is_refused()
    {
        var cohort = new Cohort([new NumericColumn("time", [1, 2, 3, 4]), new NumericColumn("status", [1, 0, 1, 1]),
            CategoricalColumn.FromStrings("arm", ["a", "b", "a", "b"])], "cohort.parquet");
        var spec = new StudySpec { Time = "time", Event = "status" };
        Assert.Contains("propensity weighting needs a treatment column",
            Assert.Throws<StratifyInputException>(() => PropensityWeighting.Fit(StudyBinder.Bind(cohort, spec))).Message);
        Assert.Contains("a propensity score needs the confounders",
            Assert.Throws<StratifyInputException>(() => PropensityWeighting.Fit(StudyBinder.Bind(cohort, spec with { Treatment = "arm" }))).Message);
    }

    [Fact]
    public void A_treatment_with_three_arms_is_refused()
    {
        var cohort = new Cohort([new NumericColumn("time", [1, 2, 3, 4, 5, 6]), new NumericColumn("status", [1, 0, 1, 1, 0, 1]),
            CategoricalColumn.FromStrings("arm", ["a", "b", "c", "a", "b", "c"]), new NumericColumn("age", [50, 60, 70, 55, 65, 75])], "cohort.parquet");
        var spec = new StudySpec { Time = "time", Event = "status", Treatment = "arm", Covariates = [new CovariateSpec("age", CovariateKind.Numeric)] };
        var e = Assert.Throws<StratifyInputException>(() => PropensityWeighting.Fit(StudyBinder.Bind(cohort, spec)));
        Assert.Contains("propensity weighting compares two arms, but the treatment has 3 levels", e.Message);
    }

    [Fact]
    public void Logistic_regression_refuses_an_outcome_without_both_values_and_bad_prior_weights()
    {
        var design = DesignMatrix.Build([CovariateTerm.Numeric("x", [1, 2, 3])]);
        Assert.Contains("the outcome is the same for every row (all 1)",
            Assert.Throws<StratifyInputException>(() => LogisticRegression.Fit([true, true, true], design)).Message);
        var e = Assert.Throws<StratifyInputException>(() => LogisticRegression.Fit([true, false, true], design,
            new LogisticRegressionOptions { PriorWeights = [1, -2, 1] }));
        Assert.Equal(("weights", 2L, "-2"), (e.Column, e.Row, e.Value));
        Assert.Contains("the covariates have 3 rows but the outcome has 2",
            Assert.Throws<StratifyInputException>(() => LogisticRegression.Fit([true, false], design)).Message);
    }

    private static (bool[] Treated, DesignMatrix Design) Simulated(int n, int seed)
    {
        var random = new Random(seed);
        var age = new double[n];
        var site = new int[n];
        var treated = new bool[n];
        for (int i = 0; i < n; i++)
        {
            age[i] = Math.Round(40 + random.NextDouble() * 40);
            site[i] = random.Next(3);
            double logit = -1 + 0.04 * (age[i] - 60) + 0.5 * site[i];
            treated[i] = random.NextDouble() < 1 / (1 + Math.Exp(-logit));
        }
        return (treated, DesignMatrix.Build([CovariateTerm.Numeric("age", age), CovariateTerm.Categorical("site", site, ["a", "b", "c"])]));
    }
}
