using FsCheck.Xunit;
using Stratify.Data;
using Stratify.Survival;

namespace Stratify.Tests.Survival;

/// <summary>
/// A run sorts its patients by time once: a subset's order is the whole order filtered, and Kaplan–Meier, log-rank and
/// Cox on shared survival data give what they give when each sorts (and applies timefix) on its own. The oracle is
/// the estimator on freshly built arrays.
/// </summary>
public class SharedTimeOrderTests
{
    private static (double[] Time, bool[] Event, double[] X, int[] Group, int[] Strata) Simulate(int seed, bool nearTies)
    {
        var random = new Random(seed);
        int n = 60 + random.Next(120);
        var time = new double[n];
        var died = new bool[n];
        var x = new double[n];
        var group = new int[n];
        var strata = new int[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = Math.Round(random.NextDouble() * 4 - 2, 2);
            group[i] = random.Next(3);
            strata[i] = random.Next(2);
            time[i] = Math.Ceiling(-Math.Log(1 - random.NextDouble()) * 30 / Math.Exp(0.4 * x[i]));
            // Times computed by floating-point arithmetic: equal up to noise that R's timefix merges.
            if (nearTies && random.Next(3) == 0) time[i] += 1e-10 * random.Next(1, 4);
            died[i] = random.NextDouble() < 0.7;
        }
        died[0] = died[1] = true;
        return (time, died, x, group, strata);
    }

    [Property(MaxTest = 40)]
    public void A_subset_shares_the_order_a_sort_of_its_own_would_give(int seed, bool nearTies)
    {
        var (time, died, _, _, _) = Simulate(seed, nearTies);
        var rows = Enumerable.Range(0, time.Length).Where(i => (i * 7 + seed) % 3 != 0).ToArray();
        var subset = new SurvivalData(time, died).Subset(rows);
        Assert.Equal(SurvivalOrder.ByTimeEventsFirst(RowSelection.Pick(time, rows), RowSelection.Pick(died, rows)), subset.TimeOrder);
    }

    [Property(MaxTest = 40)]
    public void Kaplan_Meier_log_rank_and_Cox_on_a_shared_subset_equal_each_sorting_on_its_own(int seed, bool nearTies)
    {
        var (time, died, x, group, strata) = Simulate(seed, nearTies);
        var rows = Enumerable.Range(0, time.Length).Where(i => i % 4 != 1).ToArray();
        var (t, d, g, s) = (RowSelection.Pick(time, rows), RowSelection.Pick(died, rows), RowSelection.Pick(group, rows), RowSelection.Pick(strata, rows));
        string[] groups = ["a", "b", "c"], strataLabels = ["s0", "s1"];
        var shared = new SurvivalData(time, died, null, null, strata, strataLabels).Subset(rows).WithGroups(g, groups);
        var fresh = new SurvivalData(t, d, g, groups, s, strataLabels);

        var km = ProductLimit.Fit(shared, new KaplanMeierOptions { RmstHorizon = 40 });
        var kmFresh = ProductLimit.Fit(new SurvivalData(t, d, g, groups), new KaplanMeierOptions { RmstHorizon = 40 });
        Assert.Equal(kmFresh.Curves.Select(c => c.Survival), km.Curves.Select(c => c.Survival));
        Assert.Equal(kmFresh.Curves.Select(c => c.Rmst!.Value.Mean), km.Curves.Select(c => c.Rmst!.Value.Mean));
        Assert.Equal(LogRankTest.Compute(fresh, new LogRankOptions()).Statistic, LogRankTest.Compute(shared, new LogRankOptions()).Statistic, 12);

        var design = DesignMatrix.Build(new CovariateTerm[] { CovariateTerm.Numeric("x", RowSelection.Pick(x, rows)), CovariateTerm.Categorical("g", g, groups) });
        var cox = CoxProportionalHazards.Fit(shared, design);
        var coxFresh = CoxProportionalHazards.Fit(t, d, design, s);
        for (int j = 0; j < cox.Coefficients.Count; j++)
        {
            Assert.Equal(coxFresh.Coefficients[j].Coefficient, cox.Coefficients[j].Coefficient, 12);
            Assert.Equal(coxFresh.Coefficients[j].StandardError, cox.Coefficients[j].StandardError, 12);
        }
        Assert.Equal(coxFresh.LogLik, cox.LogLik, 10);
        Assert.Equal(coxFresh.Concordance.C, cox.Concordance.C, 14);
    }

    [Property(MaxTest = 30)]
    public void Weighted_estimates_on_a_shared_subset_equal_each_sorting_on_its_own(int seed, bool nearTies)
    {
        // Case weights travel with the subset: weighted KM, log-rank and Cox (robust by default for fractional
        // weights, as R) on the shared order equal the estimators on fresh arrays with the same weights. Cox within 1e-12
        // absolute (SEs of order 0.1-1): sums over rows may round differently in the last bit, which a comparison rounded
        // to 12 places turns into a failure when a value sits on a rounding boundary (0.34189663600849990 vs ...50012).
        var (time, died, x, group, strata) = Simulate(seed, nearTies);
        var random = new Random(seed ^ 0x5eed);
        var weights = time.Select(_ => 0.25 + random.NextDouble() * 2).ToArray();
        var rows = Enumerable.Range(0, time.Length).Where(i => i % 5 != 2).ToArray();
        var (t, d, g, s, w) = (RowSelection.Pick(time, rows), RowSelection.Pick(died, rows), RowSelection.Pick(group, rows),
            RowSelection.Pick(strata, rows), RowSelection.Pick(weights, rows));
        string[] groups = ["a", "b", "c"], strataLabels = ["s0", "s1"];
        var shared = new SurvivalData(time, died, null, null, strata, strataLabels, weights).Subset(rows).WithGroups(g, groups);
        Assert.Equal(w, shared.Weights);

        var km = ProductLimit.Fit(shared, new KaplanMeierOptions());
        var kmFresh = ProductLimit.Fit(new SurvivalData(t, d, g, groups, s, strataLabels, w), new KaplanMeierOptions());
        Assert.Equal(kmFresh.Curves.Select(c => c.Survival), km.Curves.Select(c => c.Survival));
        Assert.Equal(kmFresh.Curves.Select(c => c.StandardError), km.Curves.Select(c => c.StandardError));

        var design = DesignMatrix.Build(new CovariateTerm[] { CovariateTerm.Numeric("x", RowSelection.Pick(x, rows)), CovariateTerm.Categorical("g", g, groups) });
        var cox = CoxProportionalHazards.Fit(shared, design);
        var coxFresh = CoxProportionalHazards.Fit(t, d, design, s, new CoxOptions { Weights = w });
        Assert.Equal(coxFresh.Robust, cox.Robust);
        for (int j = 0; j < cox.Coefficients.Count; j++)
        {
            Assert.Equal(coxFresh.Coefficients[j].Coefficient, cox.Coefficients[j].Coefficient, 1e-12);
            Assert.Equal(coxFresh.Coefficients[j].RobustStandardError, cox.Coefficients[j].RobustStandardError, 1e-12);
        }
        Assert.Equal(coxFresh.Concordance.C, cox.Concordance.C, 14);
    }

    /// <summary>Seed −3: a robust SE of 0.34189663600850 ± 1 ulp, on the boundary of rounding to 12 places.</summary>
    [Fact]
    public void Weighted_estimates_agree_where_a_robust_SE_sits_on_a_rounding_boundary() =>
        Weighted_estimates_on_a_shared_subset_equal_each_sorting_on_its_own(-3, false);

    [Fact]
    public void Survival_data_weights_and_option_weights_cannot_both_be_given()
    {
        var (time, died, x, _, _) = Simulate(3, false);
        var w = time.Select(_ => 1.5).ToArray();
        var data = new SurvivalData(time, died, weights: w);
        var design = DesignMatrix.Build(new[] { CovariateTerm.Numeric("x", x) });
        Assert.Throws<ArgumentException>(() => CoxProportionalHazards.Fit(data, design, new CoxOptions { Weights = (double[])w.Clone() }));
    }

    [Fact]
    public void Cox_on_shared_data_reproduces_R_on_times_that_differ_by_floating_point_noise()
    {
        // tests/reference/cox_reference.R, model "lung_near_ties_efron": coxph(Surv(time_noise, status) ~ age + sex +
        // ph.ecog) ties the noisy times again (timefix); the shared order must carry the same merge.
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(RepoPaths.ReferenceFile("cox_reference.json")));
        var r = json.RootElement.GetProperty("models").GetProperty("lung_near_ties_efron");
        var lung = CsvCohortReader.Read(RepoPaths.ReferenceFile("data/cox_lung_near_ties.csv"));
        var study = StudyBinder.Bind(lung, new StudySpec
        {
            Time = "time_noise", Event = "status",
            Covariates = new[] { "age", "sex", "ph.ecog" }.Select(c => new CovariateSpec(c, CovariateKind.Numeric)).ToArray(),
        });
        var model = CoxProportionalHazards.Fit(SurvivalData.From(study), StudyTerms.Design(study));
        for (int j = 0; j < 3; j++)
        {
            double expected = r.GetProperty("coef")[j].GetDouble();
            Assert.True(Math.Abs(model.Coefficients[j].Coefficient - expected) <= 1e-12 * Math.Abs(expected), $"coef {j}: {model.Coefficients[j].Coefficient:R} vs R {expected:R}");
        }
        double loglik = r.GetProperty("loglik").GetProperty("model").GetDouble();
        Assert.True(Math.Abs(model.LogLik - loglik) <= 1e-12 * Math.Abs(loglik));
    }
}
