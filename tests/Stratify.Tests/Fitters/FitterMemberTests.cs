using System.Text.Json;
using Microsoft.Data.Analysis;
using Stratify.Data;
using static Stratify.Tests.Survival.SurvivalReference;

namespace Stratify.Tests.Fitters;

/// <summary>
/// The fitters' members that the labs call: <see cref="CoxPHFit.VarianceMatrix"/> against R's <c>vcov(coxph)</c>, and
/// <see cref="KMedoids.ChooseK(DataFrame, IReadOnlyList{string}, int, IReadOnlyList{string}?, IReadOnlyList{string}?, int)"/>'s
/// deterministic criteria (average dissimilarity, silhouette, log W_k) against R's pam / silhouette / clusGap's W.k
/// (tests/reference/fitter_members_reference.R), with <see cref="KMedoidsFit.Stability"/>'s contract.
/// </summary>
public class FitterMemberTests
{
    private static readonly JsonElement Reference =
        JsonDocument.Parse(File.ReadAllText(RepoPaths.ReferenceFile("fitter_members_reference.json"))).RootElement;

    private static DataFrame Csv(string file) => DataFrame.LoadCsv(Path.Combine(RepoPaths.Root, "datasets", file));

    private static readonly string[] GbsgFeatures = ["age", "meno", "size", "grade", "nodes", "pgr", "er"];

    private static KMedoidsChoice GbsgChoice(KMedoidsOptions? options = null, int referenceSets = 5) =>
        new KMedoids(options ?? new KMedoidsOptions { Seed = 7 })
            .ChooseK(Csv("gbsg.csv"), GbsgFeatures, maxK: 6, categorical: ["meno"], ordinal: ["grade"], referenceSets: referenceSets);

    [Fact]
    public void Variance_matrix_equals_vcov_of_the_model_based_fit()
    {
        // R: vcov(coxph(Surv(time, status) ~ trt + factor(celltype) + karno, veteran)). Measured 7.5e-13 relative (the
        // smallest off-diagonal entries, ~4e-5); asserted 2e-12.
        var fit = new CoxPH().Fit(Csv("veteran.csv"), "time", "status", ["trt", "celltype", "karno"]);
        AssertVariance(Reference.GetProperty("vcov").GetProperty("veteran"), fit.VarianceMatrix(), 2e-12);
    }

    [Fact]
    public void Variance_matrix_of_a_robust_fit_equals_vcov_of_the_robust_coxph()
    {
        // R: vcov(coxph(Surv(time, status) ~ age + sex, lung, robust = TRUE)): the sandwich variance. Measured 6.6e-14.
        var fit = new CoxPH(new CoxOptions { Robust = true }).Fit(Csv("lung.csv"), "time", "status", ["age", "sex"]);
        AssertVariance(Reference.GetProperty("vcov").GetProperty("lung_robust"), fit.VarianceMatrix(), 1e-12);
    }

    [Fact]
    public void Variance_matrix_is_a_copy_the_caller_cannot_use_to_change_the_fit()
    {
        var fit = new CoxPH().Fit(Csv("veteran.csv"), "time", "status", ["trt", "karno"]);
        var first = fit.VarianceMatrix();
        first[0, 0] = 42;
        Assert.Equal(fit.Coefficients[0].StandardError * fit.Coefficients[0].StandardError, fit.VarianceMatrix()[0, 0], 1e-15);
    }

    private static void AssertVariance(JsonElement expected, double[,] actual, double tolerance)
    {
        var values = Numbers(expected.GetProperty("variance"));
        int p = expected.GetProperty("terms").GetArrayLength();
        Assert.Equal(p, actual.GetLength(0));
        Assert.Equal(p, actual.GetLength(1));
        for (int j = 0; j < p; j++)
            for (int m = 0; m < p; m++) AssertClose(values[j * p + m], actual[j, m], tolerance, $"vcov[{j}, {m}]");
    }

    [Fact]
    public void ChooseK_gives_pams_average_dissimilarity_silhouette_and_log_W_for_every_k()
    {
        // R: pam(daisy(gbsg features, "gower"), k, pamonce = 6) for k = 1..6; summary(silhouette(p))$avg.width;
        // clusGap's log W_k with d.power = 1. Measured: average dissimilarity exact, silhouette 1.3e-15, log W 1.1e-14
        // relative; asserted 1e-12.
        var choice = GbsgChoice();
        var expected = Reference.GetProperty("choose_k").EnumerateArray().ToArray();
        Assert.Equal(expected.Length, choice.Criteria.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            var (r, c) = (expected[i], choice.Criteria[i]);
            Assert.Equal(r.GetProperty("k").GetInt32(), c.K);
            AssertClose(Number(r.GetProperty("average_dissimilarity")), c.AverageDissimilarity, 1e-12, $"average dissimilarity, k = {c.K}");
            AssertClose(Number(r.GetProperty("log_w")), c.LogW, 1e-12, $"log W, k = {c.K}");
            if (c.K == 1) Assert.True(double.IsNaN(c.Silhouette), "the silhouette of one cluster is undefined");
            else AssertClose(Number(r.GetProperty("silhouette")), c.Silhouette, 1e-12, $"silhouette, k = {c.K}");
            Assert.Equal(c.Gap, c.ExpectedLogW - c.LogW, 1e-15);
            Assert.True(c.GapStandardError > 0, $"gap standard error at k = {c.K}");
        }
        Assert.Equal(2, choice.BySilhouette);                                 // R: the largest avg.width is at k = 2
        Assert.Equal(choice.Criteria[1].Silhouette, choice.Fit(2).Silhouette);
    }

    [Fact]
    public void ChooseK_draws_its_gap_reference_sets_from_the_seed()
    {
        var a = GbsgChoice(new KMedoidsOptions { Seed = 11 }, referenceSets: 3);
        var b = GbsgChoice(new KMedoidsOptions { Seed = 11 }, referenceSets: 3);
        var c = GbsgChoice(new KMedoidsOptions { Seed = 12 }, referenceSets: 3);
        Assert.Equal(a.Criteria.Select(x => x.ExpectedLogW), b.Criteria.Select(x => x.ExpectedLogW));
        Assert.NotEqual(a.Criteria.Select(x => x.ExpectedLogW), c.Criteria.Select(x => x.ExpectedLogW));
        Assert.Equal(3, a.ReferenceSets);
    }

    [Fact]
    public void ChooseK_refuses_a_cohort_above_the_CLARA_threshold()
    {
        var error = Assert.Throws<StratifyInputException>(() => GbsgChoice(new KMedoidsOptions { ClaraThreshold = 500 }));
        Assert.Contains("every pairwise dissimilarity", error.Message);
        Assert.Equal("686", error.Value);
    }

    [Fact]
    public void ChooseK_refuses_a_largest_k_below_2()
    {
        var error = Assert.Throws<StratifyInputException>(() => new KMedoids().ChooseK(Csv("gbsg.csv"), ["age"], maxK: 1));
        Assert.Equal("1", error.Value);
    }

    [Fact]
    public void Stability_of_the_menopausal_split_is_perfect_in_every_resample()
    {
        // k = 2 on these features reproduces meno exactly (every postmenopausal woman in one cluster, R's pam agrees),
        // so every bootstrap re-clustering finds the same two groups: Jaccard 1, never dissolved.
        var fit = GbsgChoice().Fit(2);
        var stability = fit.Stability(resamples: 10, seed: 3);
        Assert.Equal([1.0, 1.0], stability.MeanJaccard);
        Assert.Equal([0, 0], stability.Dissolved);
        Assert.Equal(10, stability.Resamples);
        Assert.Equal("stable", stability.Verdict(0));
    }

    [Fact]
    public void Stability_at_k_6_is_drawn_from_the_seed_and_below_perfect()
    {
        var fit = GbsgChoice().Fit(6);
        var a = fit.Stability(resamples: 8, seed: 5);
        Assert.Equal(a.MeanJaccard, fit.Stability(resamples: 8, seed: 5).MeanJaccard);
        Assert.Contains(a.MeanJaccard, j => j < 1);
        Assert.All(a.MeanJaccard, j => Assert.InRange(j, 0, 1));
    }

    [Fact]
    public void Silhouette_and_stability_are_refused_for_a_CLARA_fit()
    {
        var fit = new KMedoids(new KMedoidsOptions { K = 2, ClaraThreshold = 500 }).Fit(Csv("gbsg.csv"), ["age", "size", "nodes"]);
        Assert.Contains("CLARA", Assert.Throws<StratifyInputException>(() => fit.Silhouette).Message);
        Assert.Contains("CLARA", Assert.Throws<StratifyInputException>(() => fit.Stability()).Message);
    }
}
