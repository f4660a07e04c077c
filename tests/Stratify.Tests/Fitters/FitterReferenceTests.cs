using Microsoft.Data.Analysis;
using Stratify.Clustering;
using Stratify.Data;
using Stratify.Survival;
using Stratify.Tests.Clustering;
using static Stratify.Tests.Survival.SurvivalReference;

namespace Stratify.Tests.Fitters;

/// <summary>
/// The fitters give R's numbers (the reference JSON under tests/reference, written by R's survival and cluster
/// packages) or, where the reference is a kernel's, exactly the kernel's result on the same data. Tolerances are the
/// kernels' own (SurvivalReference: estimates 1e-14, limits 5e-13, statistics 1e-12, p-values 2e-12 relative).
/// </summary>
public class FitterReferenceTests
{
    private static Cohort Csv(string file) => CsvCohortReader.Read(Path.Combine(RepoPaths.Root, file));

    [Theory]
    [InlineData("lung_sex")]
    [InlineData("veteran_celltype")]
    [InlineData("gbsg_hormon")]
    public void KaplanMeier_curves_equal_survfit(string name)
    {
        // R: survfit(Surv(time, status) ~ group, data), tests/reference/km_logrank_reference.R section "km".
        var r = Case("km", name);
        var fit = new KaplanMeier().Fit(Csv(r.GetProperty("file").GetString()!), r.GetProperty("time").GetString()!,
            r.GetProperty("status").GetString()!, group: r.GetProperty("group").GetString());
        var curves = r.GetProperty("curves").EnumerateArray().ToArray();
        Assert.Equal(curves.Length, fit.Curves.Count);
        for (int g = 0; g < curves.Length; g++)
        {
            var (expected, curve) = (curves[g], fit.Curves[g]);
            Assert.Equal(expected.GetProperty("group").GetString(), curve.Group);
            AssertExact(Numbers(expected.GetProperty("time")), curve.Time.ToArray(), "time");
            AssertExact(Numbers(expected.GetProperty("n_risk")), curve.AtRisk.Select(n => (double)n).ToArray(), "n.risk");
            AssertClose(Numbers(expected.GetProperty("surv")), curve.Survival.ToArray(), EstimateTolerance, "surv");
            AssertClose(Numbers(expected.GetProperty("se")), curve.StandardError.ToArray(), EstimateTolerance, "std.err");
            AssertClose(Numbers(expected.GetProperty("lower")), curve.Lower.ToArray(), LimitTolerance, "lower");
            AssertClose(Numbers(expected.GetProperty("upper")), curve.Upper.ToArray(), LimitTolerance, "upper");
            Assert.Equal(Number(expected.GetProperty("median")), curve.Median.Time);
        }
    }

    [Fact]
    public void KaplanMeier_median_and_survival_at_a_time_of_an_ungrouped_fit_equal_survfit()
    {
        // R: print(survfit(Surv(time, status) ~ 1, lung)) gives median 310; summary(fit, times = 365).
        var r = Case("km", "lung_all");
        var fit = new KaplanMeier().Fit(Csv("datasets/lung.csv"), "time", "status");
        var curve = r.GetProperty("curves")[0];
        Assert.Equal(Number(curve.GetProperty("median")), fit.Median.Time);
        var at = curve.GetProperty("at");
        int year = Array.IndexOf(Numbers(at.GetProperty("time")), 365.0);
        AssertClose(Numbers(at.GetProperty("surv"))[year], fit.SurvivalAt(365).Survival, EstimateTolerance, "S(365)");
        AssertClose(Numbers(at.GetProperty("se"))[year], fit.SurvivalAt(365).StandardError, EstimateTolerance, "se(365)");
    }

    [Theory]
    [InlineData("lung_sex")]
    [InlineData("veteran_celltype")]
    [InlineData("lung_sex_strata_ecog")]
    public void LogRank_equals_survdiff(string name)
    {
        // R: survdiff(Surv(time, status) ~ group [+ strata(s)]), km_logrank_reference.R section "logrank".
        var r = Case("logrank", name);
        var strata = OptionalString(r, "strata");
        var test = new LogRank().Fit(Csv(r.GetProperty("file").GetString()!), r.GetProperty("time").GetString()!, r.GetProperty("status").GetString()!,
            r.GetProperty("group").GetString()!, strata is null ? null : [strata]);
        AssertClose(r.GetProperty("statistic").GetDouble(), test.Statistic, StatisticTolerance, "chisq");
        Assert.Equal(r.GetProperty("df").GetInt32(), test.DegreesOfFreedom);
        AssertClose(r.GetProperty("p").GetDouble(), test.PValue, PValueTolerance, "p");
        var groups = r.GetProperty("groups").EnumerateArray().ToArray();
        Assert.Equal(groups.Length, test.Groups.Count);
        for (int g = 0; g < groups.Length; g++)
        {
            Assert.Equal(groups[g].GetProperty("group").GetString(), test.Groups[g].Group);
            AssertClose(groups[g].GetProperty("expected").GetDouble(), test.Groups[g].Expected, StatisticTolerance, "expected");
        }
        Assert.Equal(test.Groups.Select(g => g.Observed), test.Summary()["observed"].Cast<double?>().Select(v => v!.Value));
    }

    [Fact]
    public void CoxPH_equals_coxph_and_its_predicted_survival_equals_survfit_newdata()
    {
        // R: coxph(Surv(time, status) ~ age + sex + ph.ecog, lung) and survfit(fit, newdata = (60, 1, 1)):
        // cox_reference.R, model "lung_efron". Tolerances as CoxReferenceTests: estimates and curves 1e-13, p 2e-12,
        // the likelihood ratio 1e-12 (relative).
        var r = Survival.CoxReferenceCase.Load("lung_efron");
        var fit = new CoxPH().Fit(Csv("datasets/lung.csv"), "time", "status", ["age", "sex", "ph.ecog"]);
        Assert.Equal(r.R.GetProperty("n").GetInt32(), fit.N);
        Assert.Equal(1, fit.RowsDropped);
        var coef = r.Numbers("coef");
        var se = r.Numbers("se");
        var p = r.Numbers("p");
        for (int j = 0; j < coef.Length; j++)
        {
            AssertClose(coef[j], fit.Coefficients[j].Coefficient, 1e-13, "coef");
            AssertClose(se[j], fit.Coefficients[j].StandardError, 1e-13, "se");
            AssertClose(p[j], fit.Coefficients[j].PValue, 2e-12, "p");
        }
        AssertClose(r.R.GetProperty("concordance").GetProperty("c").GetDouble(), fit.Concordance.C, 1e-13, "C");
        AssertClose(r.R.GetProperty("likelihood_ratio").GetProperty("statistic").GetDouble(), fit.LikelihoodRatio.Statistic, 1e-12, "LR");
        Assert.Equal(3, fit.LikelihoodRatio.DegreesOfFreedom);

        var zph = fit.TestProportionalHazards();    // cox.zph(fit): χ² to 1e-13 relative to max(χ², 1), as CoxReferenceTests
        var chisq = Numbers(r.R.GetProperty("zph").GetProperty("chisq"));
        var terms = zph.Terms.Append(zph.Global).ToArray();
        for (int j = 0; j < chisq.Length; j++)
            Assert.True(Math.Abs(chisq[j] - terms[j].Statistic) <= 1e-13 * Math.Max(chisq[j], 1), $"zph {j}: {terms[j].Statistic:R} vs {chisq[j]:R}");

        var predicted = r.R.GetProperty("predicted");
        var times = Numbers(predicted.GetProperty("time"));
        var profile = new DataFrame(new DoubleDataFrameColumn("age", [60.0]), new DoubleDataFrameColumn("sex", [1.0]), new DoubleDataFrameColumn("ph.ecog", [1.0]));
        var survival = fit.PredictSurvival(profile, times);
        var expected = Numbers(predicted.GetProperty("surv"));
        for (int t = 0; t < times.Length; t++) AssertClose(expected[t], survival[0, t], 1e-13, $"S({times[t]})");
    }

    [Fact]
    public void CoxPH_with_a_categorical_covariate_and_strata_predicts_as_the_kernel_does()
    {
        // The kernel's survfit(fit, newdata) (CoxModel.PredictSurvival, checked against R in CoxReferenceTests) for
        // each row of veteran, by celltype dummies against "adeno" and strata of trt.
        var cohort = Csv("datasets/veteran.csv");
        var fit = new CoxPH().Fit(cohort, "time", "status", ["karno", "celltype"], strata: ["trt"]);
        var kernel = CoxProportionalHazards.Fit(SurvivalData.FromCohort(cohort, "time", "status", strata: "trt"),
            DesignMatrix.Build([CovariateTerm.FromColumn(cohort["karno"]), CovariateTerm.FromColumn(cohort["celltype"])]));
        Assert.Equal(kernel.Beta, fit.Coefficients.Select(c => c.Coefficient));
        Assert.Equal(["karno", "celltype=large", "celltype=smallcell", "celltype=squamous"], fit.Coefficients.Select(c => c.Term));
        double[] times = [0, 30, 100, 250, 1000];
        var predicted = fit.PredictSurvival(cohort, times);
        var karno = ((NumericColumn)cohort["karno"]).Values;
        var celltype = (CategoricalColumn)cohort["celltype"];
        var trt = ((NumericColumn)cohort["trt"]).Values;
        for (int i = 0; i < cohort.RowCount; i++)
        {
            var profile = new double[] { karno[i], celltype.Format(i) == "large" ? 1 : 0, celltype.Format(i) == "smallcell" ? 1 : 0, celltype.Format(i) == "squamous" ? 1 : 0 };
            var curve = kernel.PredictSurvival(profile)[(int)trt[i] - 1];
            for (int t = 0; t < times.Length; t++)
            {
                int count = curve.Time.Count(x => x <= times[t]);
                double expected = count == 0 ? 1 : curve.Survival[count - 1];
                Assert.True(Math.Abs(expected - predicted[i, t]) <= 1e-13, $"row {i + 1}, t = {times[t]}: {predicted[i, t]:R} vs {expected:R}");
            }
        }
    }

    public static TheoryData<string, int> PamCases() => new() { { "lung", 3 }, { "veteran", 2 }, { "gbsg", 4 } };

    [Theory]
    [MemberData(nameof(PamCases))]
    public void KMedoids_equals_pam_with_fasterpam_on_gower(string dataset, int k)
    {
        // R: pam(daisy(x, "gower"), k, pamonce = 6): medoids and objective["swap"], cluster_reference.R.
        var reference = ClusterReference.FromR.GetProperty("pam").GetProperty(dataset)[k - 2];
        var specs = ClusterReference.Specs(dataset);
        var fit = new KMedoids(new KMedoidsOptions { K = k }).Fit(ClusterReference.Cohort(dataset), specs.Select(s => s.Column).ToArray(),
            categorical: specs.Where(s => s.Role == FeatureRole.Categorical).Select(s => s.Column).ToArray(),
            ordinal: specs.Where(s => s.Role == FeatureRole.Ordinal).Select(s => s.Column).ToArray());
        Assert.Equal(reference.GetProperty("fasterpam_medoids").Ints().Select(m => m - 1).Order(), fit.Medoids.Order());
        Assert.Equal(reference.GetProperty("fasterpam_objective").GetDouble(), fit.AverageDissimilarity, 2e-15);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void KMeans_equals_the_kernel_on_the_same_coordinates_and_sklearn_within_its_tolerance(int k)
    {
        // scikit-learn KMeans(k, n_init = 10) on the standardised gbsg columns (kmeans_reference.py): the best inertia
        // over 20 seeds, which Lloyd with 10 restarts reaches within 0.05 % (KMeansTests).
        string[] columns = ["age", "size", "nodes", "pgr", "er"];
        var cohort = ClusterReference.Cohort("gbsg");
        var fit = new KMeans(new KMeansOptions { K = k, Seed = 3 }).Fit(cohort, columns);
        var x = FeatureSet.FromCohort(cohort, columns.Select(c => new FeatureSpec(c, FeatureRole.Numeric)).ToArray(), MissingPolicy.CompleteCase)
            .ToCoordinates(FeatureScaling.Standardise);
        var kernel = LloydKMeans.Fit(x, new KMeansOptions(k, Seed: 3));
        Assert.Equal(kernel.Objective, fit.Objective);
        Assert.Equal(kernel.Assignment, fit.Labels);
        var sklearn = ClusterReference.FromSklearn.GetProperty("kmeans").GetProperty("gbsg")[k - 2].GetProperty("inertia_best_of_20_seeds").GetDouble();
        Assert.True(fit.Objective <= sklearn * 1.0005, $"{fit.Objective:R} vs scikit-learn's {sklearn:R}");
    }

    [Fact]
    public void GaussianMixture_equals_the_kernel_on_the_same_coordinates()
    {
        string[] columns = ["age", "size", "nodes", "pgr", "er"];
        var cohort = ClusterReference.Cohort("gbsg");
        var fit = new GaussianMixture(new GaussianMixtureOptions { K = 3, Covariance = CovarianceType.Diagonal, Seed = 5 }).Fit(cohort, columns);
        var x = FeatureSet.FromCohort(cohort, columns.Select(c => new FeatureSpec(c, FeatureRole.Numeric)).ToArray(), MissingPolicy.CompleteCase)
            .ToCoordinates(FeatureScaling.Standardise);
        var kernel = GaussianMixtureEm.Fit(x, new GaussianMixtureOptions(3, CovarianceType.Diagonal, Seed: 5));
        Assert.Equal(kernel.Assignment, fit.Labels);
        Assert.Equal(kernel.Bic, fit.Bic);
        Assert.Equal(kernel.Weights, fit.Weights);
    }

    [Fact]
    public void SurvivalTree_grows_the_kernel_tree_whose_root_split_is_R_s_maximal_log_rank_split()
    {
        // R: the brute-force maximal log-rank split on veteran (km_logrank_reference.R section "tree"): karno at 40.
        var r = Case("tree", "veteran");
        var features = r.GetProperty("features").EnumerateArray().Select(f => f.GetString()!).ToArray();
        var cohort = Csv("datasets/veteran.csv");
        var options = new SurvivalTreeOptions { MinNodeSize = r.GetProperty("min_node_size").GetInt32() };
        var fit = new SurvivalTree(options).Fit(cohort, "time", "status", features);
        var kernel = LogRankTree.Grow(cohort, "time", "status", features, options);
        Assert.Equal(kernel.Leaves.Select(l => (l.Rule, l.N, l.Events, l.Median)), fit.Leaves.Select(l => (l.Rule, l.N, l.Events, l.Median)));
        Assert.Equal(kernel.LeafOfPatient, fit.Labels);
        var best = r.GetProperty("best");
        Assert.StartsWith($"{best.GetProperty("feature").GetString()} <= {best.GetProperty("threshold").GetDouble()}", fit.Leaves[0].Rule);
        Assert.Equal(r.GetProperty("n").GetInt32(), fit.Leaves.Sum(l => l.N));
    }
}
