using Stratify.Data;
using Stratify.Survival;
using static Stratify.Tests.Survival.SurvivalReference;

namespace Stratify.Tests.Survival;

/// <summary>
/// The counting-process code against the right-censored code as an oracle: with every entry at 0 and every time after
/// it, each row is at risk from the start, so Kaplan–Meier (Greenwood and the infinitesimal jackknife), the log-rank
/// score test and Cox (likelihood, robust variance, concordance, cox.zph, baseline survival) must give the
/// right-censored results; and splitting each patient's follow-up into two (start, stop] rows with the same covariates
/// must leave a Cox fit unchanged (the Andersen–Gill likelihood of contiguous intervals is the patient's). And the
/// risk-set sweep against the definition: risk sets rebuilt by scanning every row at every event time.
/// </summary>
public class CountingPropertyTests
{
    private static BoundStudy Simulated(string? weight = null) => StudyBinder.Bind(CsvCohortReader.Read(Path.Combine(RepoPaths.Root, "tests/reference/data/weights_sim.csv")), new StudySpec
    {
        Time = "time",
        Event = "status",
        Group = "grp",
        Strata = ["site"],
        Weight = weight,
        Covariates = [new("x1", CovariateKind.Numeric), new("x2", CovariateKind.Numeric), new("grp", CovariateKind.Categorical, "a")],
    });

    private static SurvivalData WithZeroEntries(SurvivalData data, int[]? patient = null)
        => new(data.Time, data.Event, data.Group, data.GroupLabels, data.Strata, data.StrataLabels, data.Weights, new double[data.Count], patient);

    [Theory]
    [InlineData(null)]
    [InlineData("w_frac")]
    public void Kaplan_meier_with_every_entry_at_zero_equals_the_right_censored_curve(string? weight)
    {
        var data = SurvivalData.From(Simulated(weight), Simulated(weight).Group);
        var options = new KaplanMeierOptions { RmstHorizon = 20, Robust = true };
        var right = ProductLimit.Fit(data, options);
        var counting = ProductLimit.Fit(WithZeroEntries(data), options);
        for (int g = 0; g < right.Curves.Count; g++)
        {
            AssertClose(right.Curves[g].Survival, counting.Curves[g].Survival, 0, "surv");
            AssertClose(AsDoubles(right.Curves[g].NRisk), AsDoubles(counting.Curves[g].NRisk), 0, "n.risk");
            AssertClose(right.Curves[g].StandardError, counting.Curves[g].StandardError, 1e-13, "infinitesimal jackknife se");
            AssertClose(right.Curves[g].Rmst!.Value.StandardError, counting.Curves[g].Rmst!.Value.StandardError, 1e-13, "rmst se");
        }
        var na = NelsonAalen.Fit(data, robust: true);
        var naCounting = NelsonAalen.Fit(WithZeroEntries(data), robust: true);
        for (int g = 0; g < na.Curves.Count; g++) AssertClose(na.Curves[g].StandardError, naCounting.Curves[g].StandardError, 1e-13, "nelson-aalen se");
    }

    [Fact]
    public void The_log_rank_score_test_with_every_entry_at_zero_equals_the_weighted_one()
    {
        var bound = Simulated("w_frac");
        var data = SurvivalData.From(bound, bound.Group);
        var right = LogRankTest.Compute(data, new LogRankOptions { Pairwise = PValueAdjustment.Holm });
        var counting = LogRankTest.Compute(WithZeroEntries(data), new LogRankOptions { Pairwise = PValueAdjustment.Holm });
        AssertClose(right.Statistic, counting.Statistic, 1e-12, "statistic");
        AssertClose(right.Pairwise.Select(p => p.Statistic).ToArray(), counting.Pairwise.Select(p => p.Statistic).ToArray(), 1e-12, "pairs");
    }

    [Theory]
    [InlineData(CoxTies.Efron)]
    [InlineData(CoxTies.Breslow)]
    public void Cox_with_every_entry_at_zero_equals_the_right_censored_fit(CoxTies ties)
    {
        var bound = Simulated();
        var data = SurvivalData.From(bound);
        var options = new CoxOptions { Ties = ties, Robust = true };
        var right = CoxProportionalHazards.Fit(data, StudyTerms.Design(bound), options);
        var counting = CoxProportionalHazards.Fit(WithZeroEntries(data), StudyTerms.Design(bound), options);
        Assert.True(counting.CountingProcess);
        AssertClose(right.Beta, counting.Beta, 1e-12, "coef");
        AssertClose(right.Coefficients.Select(c => c.StandardError).ToArray(), counting.Coefficients.Select(c => c.StandardError).ToArray(), 1e-12, "se");
        AssertClose(right.Coefficients.Select(c => c.RobustStandardError).ToArray(), counting.Coefficients.Select(c => c.RobustStandardError).ToArray(), 1e-12, "robust se");
        AssertClose([right.LogLik, right.Score.Statistic, right.RobustScore!.Statistic, right.Concordance.C, right.Concordance.StandardError],
            [counting.LogLik, counting.Score.Statistic, counting.RobustScore!.Statistic, counting.Concordance.C, counting.Concordance.StandardError], 1e-12, "tests");
        AssertClose(right.BaselineSurvival().SelectMany(c => c.StandardError).ToArray(), counting.BaselineSurvival().SelectMany(c => c.StandardError).ToArray(), 1e-12, "baseline se");
        var zph = ProportionalHazardsTest.Compute(right);
        var zphCounting = ProportionalHazardsTest.Compute(counting);
        AssertClose(zph.Global.Statistic, zphCounting.Global.Statistic, 1e-10, "cox.zph");
    }

    [Fact]
    public void Splitting_each_patient_into_two_contiguous_rows_leaves_the_cox_fit_unchanged()
    {
        var bound = Simulated();
        var data = SurvivalData.From(bound);
        var design = StudyTerms.Design(bound);
        int n = data.Count, p = design.Columns;
        // Patient i becomes (0, t/2] censored and (t/2, t] with the event, the same covariates on both rows.
        var entry = new double[2 * n];
        var time = new double[2 * n];
        var died = new bool[2 * n];
        var strata = new int[2 * n];
        var patient = new int[2 * n];
        var values = new double[2 * n * p];
        for (int i = 0; i < n; i++)
        {
            double middle = data.Time[i] / 2;
            (entry[2 * i], time[2 * i], died[2 * i]) = (0, middle, false);
            (entry[2 * i + 1], time[2 * i + 1], died[2 * i + 1]) = (middle, data.Time[i], data.Event[i]);
            strata[2 * i] = strata[2 * i + 1] = data.Strata![i];
            patient[2 * i] = patient[2 * i + 1] = i;
            for (int j = 0; j < p; j++) values[2 * i * p + j] = values[(2 * i + 1) * p + j] = design.Values[i * p + j];
        }
        var split = new SurvivalData(time, died, strata: strata, entry: entry, patient: patient);
        var splitDesign = new DesignMatrix(values, 2 * n, design.ColumnNames, design.TermOfColumn, design.TermNames);
        var whole = CoxProportionalHazards.Fit(data, design, new CoxOptions { Robust = true });
        var intervals = CoxProportionalHazards.Fit(split, splitDesign);
        Assert.True(intervals.Robust); // clustered by patient by default
        AssertClose(whole.Beta, intervals.Beta, 1e-11, "coef");
        AssertClose(whole.Coefficients.Select(c => c.StandardError).ToArray(), intervals.Coefficients.Select(c => c.StandardError).ToArray(), 1e-11, "se");
        AssertClose(whole.Coefficients.Select(c => c.RobustStandardError).ToArray(), intervals.Coefficients.Select(c => c.RobustStandardError).ToArray(), 1e-11, "robust se by patient");
        AssertClose(whole.LogLik, intervals.LogLik, 1e-12, "loglik");
    }

    /// <summary>
    /// The sweep against the definition: the log partial likelihood over (entry, stop] risk sets (Efron ties; Breslow
    /// with case weights), each risk set formed by scanning every row at every event time, at 0 and at the fitted β.
    /// Whole-number times with entries tied to stops and to each other, two strata.
    /// </summary>
    [Theory]
    [InlineData(CoxTies.Efron, false)]
    [InlineData(CoxTies.Breslow, true)]
    public void The_risk_set_sweep_gives_the_log_likelihood_of_risk_sets_rebuilt_at_every_time(CoxTies ties, bool weighted)
    {
        var random = new Random(20261207);
        int n = 300;
        var time = new double[n];
        var entry = new double[n];
        var died = new bool[n];
        var strata = new int[n];
        var weights = new double[n];
        var x = new double[2 * n];
        for (int i = 0; i < n; i++)
        {
            time[i] = random.Next(1, 25);
            entry[i] = random.NextDouble() < 0.4 ? 0 : random.Next(0, (int)time[i]);
            died[i] = random.NextDouble() < 0.6;
            strata[i] = random.Next(2);
            weights[i] = 0.5 + random.Next(4) * 0.25;
            x[2 * i] = random.NextDouble() * 2 - 1;
            x[2 * i + 1] = random.Next(2);
        }
        var design = new DesignMatrix(x, n, ["a", "b"], [0, 1], ["a", "b"]);
        var data = new SurvivalData(time, died, strata: strata, entry: entry, weights: weighted ? weights : null);
        var model = CoxProportionalHazards.Fit(data, design, new CoxOptions { Ties = ties, Weights = null });

        double Definition(double[] beta)
        {
            double loglik = 0;
            for (int s = 0; s < 2; s++)
                for (double t = 1; t < 25; t++)
                {
                    double riskSum = 0, deathSum = 0, deathWeight = 0, deathEta = 0;
                    int deaths = 0;
                    for (int i = 0; i < n; i++)
                    {
                        if (strata[i] != s || !(entry[i] < t && t <= time[i])) continue;
                        double w = weighted ? weights[i] : 1, eta = x[2 * i] * beta[0] + x[2 * i + 1] * beta[1];
                        riskSum += w * Math.Exp(eta);
                        if (time[i] == t && died[i]) { deaths++; deathSum += w * Math.Exp(eta); deathWeight += w; deathEta += w * eta; }
                    }
                    if (deaths == 0) continue;
                    loglik += deathEta;
                    if (ties == CoxTies.Breslow) loglik -= deathWeight * Math.Log(riskSum);
                    else for (int k = 0; k < deaths; k++) loglik -= Math.Log(riskSum - (double)k / deaths * deathSum);
                }
            return loglik;
        }

        AssertClose(Definition([0, 0]), model.LogLikNull, 1e-13, "log-likelihood at 0");
        AssertClose(Definition(model.Beta), model.LogLik, 1e-13, "log-likelihood at the fitted beta");
    }
}
