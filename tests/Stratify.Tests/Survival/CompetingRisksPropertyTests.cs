using Stratify.Data;
using Stratify.Survival;

namespace Stratify.Tests.Survival;

/// <summary>
/// The one-pass competing-risks kernels held against slow oracles written from the definitions: the jackknife
/// variance against every patient's influence propagated through the Aalen–Johansen recursion (survfitci.c's
/// O(n × times) algorithm); the Fine–Gray likelihood, score, information and sandwich against sums over the expanded
/// risk sets and the double sums of Fine &amp; Gray (1999); and the consistency facts (no competing events: the
/// cumulative incidence is 1 − Kaplan–Meier with Greenwood's standard error).
/// </summary>
public class CompetingRisksPropertyTests
{
    /// <summary>Random data with heavy ties: whole-number times 0..span, causes 0..causes with the given censoring share.</summary>
    private static (double[] Time, byte[] Cause, double[] X1, double[] X2) Simulate(int n, int span, int causes, double censored, int seed)
    {
        var random = new Random(seed);
        var time = new double[n];
        var cause = new byte[n];
        var x1 = new double[n];
        var x2 = new double[n];
        for (int i = 0; i < n; i++)
        {
            time[i] = random.Next(span + 1);
            cause[i] = random.NextDouble() < censored ? (byte)0 : (byte)(1 + random.Next(causes));
            x1[i] = Math.Round(random.NextDouble() * 4 - 2, 3);
            x2[i] = random.Next(2);
        }
        return (time, cause, x1, x2);
    }

    private static string[] CauseLabels(int causes) => ["censored", .. Enumerable.Range(1, causes).Select(k => $"cause {k}")];

    [Theory]
    [InlineData(40, 6, 2, 0.3, 1)]
    [InlineData(200, 25, 3, 0.5, 2)]
    [InlineData(150, 1000, 2, 0.8, 3)]
    public void Jackknife_variance_equals_the_sum_of_squared_influences(int n, int span, int causes, double censored, int seed)
    {
        var (time, cause, _, _) = Simulate(n, span, causes, censored, seed);
        var fit = AalenJohansen.Fit(new CompetingRisksData(time, cause, CauseLabels(causes)), new CumulativeIncidenceOptions());
        for (int k = 1; k <= causes; k++)
        {
            var curve = fit.Of(k)[0];
            var expected = InfluenceOracle(time, cause, causes, k, curve.Time);
            for (int j = 0; j < curve.Time.Length; j++)
                Assert.True(Math.Abs(expected[j] - curve.StandardError[j]) <= 1e-12 * Math.Max(expected[j], 1e-3), $"cause {k} at {curve.Time[j]}: oracle {expected[j]:R}, one pass {curve.StandardError[j]:R}");
        }
    }

    /// <summary>
    /// survfitci.c's algorithm: every patient's influence vector on (S, F_1..F_K) is updated at each distinct time,
    /// U ← U·H, then for those at risk U −= H[0,·]·S/n and U[new state] += S/n; the standard error is √Σ U².
    /// </summary>
    private static double[] InfluenceOracle(double[] time, byte[] cause, int causes, int k, double[] times)
    {
        int n = time.Length, states = causes + 1;
        var u = new double[n, states];
        var se = new double[times.Length];
        double survival = 1;
        for (int j = 0; j < times.Length; j++)
        {
            double t = times[j];
            int atRisk = 0;
            var events = new int[states];
            for (int i = 0; i < n; i++)
                if (time[i] >= t)
                {
                    atRisk++;
                    if (time[i] == t && cause[i] > 0) events[cause[i]]++;
                }
            int d = events.Sum();
            if (d > 0)
            {
                var h = new double[states]; // row 0 of the transition matrix
                h[0] = 1 - (double)d / atRisk;
                for (int c = 1; c < states; c++) h[c] = (double)events[c] / atRisk;
                for (int i = 0; i < n; i++)
                {
                    double u0 = u[i, 0];
                    u[i, 0] = u0 * h[0];
                    for (int c = 1; c < states; c++) u[i, c] += u0 * h[c];
                    if (time[i] < t) continue;
                    for (int c = 0; c < states; c++) u[i, c] -= h[c] * survival / atRisk;
                    int next = time[i] == t ? cause[i] : 0;
                    u[i, next] += survival / atRisk;
                }
                survival *= h[0];
            }
            double sum = 0;
            for (int i = 0; i < n; i++) sum += u[i, k] * u[i, k];
            se[j] = Math.Sqrt(sum);
        }
        return se;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Counting_whole_times_and_sorting_other_times_give_the_same_curves_and_gray_test(bool strata)
    {
        // Whole-number times take the counting path; the same times + 0.5 are sorted: every number must agree.
        var (time, cause, _, _) = Simulate(3000, 400, 2, 0.3, 7);
        var random = new Random(8);
        var group = time.Select(_ => random.Next(3)).ToArray();
        int[]? stratum = strata ? time.Select(_ => random.Next(2)).ToArray() : null;
        var counted = new CompetingRisksData(time, cause, CauseLabels(2), group, ["a", "b", "c"], stratum, strata ? ["x", "y"] : null);
        var sorted = new CompetingRisksData(time.Select(t => t + 0.5).ToArray(), cause, CauseLabels(2), group, ["a", "b", "c"], stratum, strata ? ["x", "y"] : null);
        var a = AalenJohansen.Fit(counted, new CumulativeIncidenceOptions());
        var b = AalenJohansen.Fit(sorted, new CumulativeIncidenceOptions());
        for (int c = 0; c < a.Curves.Count; c++)
        {
            Assert.Equal(a.Curves[c].Time.Select(t => t + 0.5), b.Curves[c].Time);
            Assert.Equal(a.Curves[c].NRisk, b.Curves[c].NRisk);
            Assert.Equal(a.Curves[c].CumulativeIncidence, b.Curves[c].CumulativeIncidence);
            Assert.Equal(a.Curves[c].StandardError, b.Curves[c].StandardError);
        }
        for (int k = 1; k <= 2; k++) Assert.Equal(GrayTest.Compute(counted, k).Statistic, GrayTest.Compute(sorted, k).Statistic);
    }

    [Fact]
    public void Times_equal_up_to_rounding_are_merged_as_survfits_timefix()
    {
        double[] exact = [1, 1, 2, 3, 3, 4, 5, 5, 6, 7];
        double[] noisy = [1, 1 + 1e-12, 2, 3, 3 * (1 + 2e-9), 4, 5, 5 - 1e-11, 6, 7];
        byte[] cause = [1, 2, 0, 1, 1, 2, 0, 1, 2, 1];
        var a = AalenJohansen.Fit(new CompetingRisksData(exact, cause, CauseLabels(2)), new CumulativeIncidenceOptions()).Of(1)[0];
        var b = AalenJohansen.Fit(new CompetingRisksData(noisy, cause, CauseLabels(2)), new CumulativeIncidenceOptions()).Of(1)[0];
        Assert.Equal(a.NRisk, b.NRisk);
        Assert.Equal(a.CumulativeIncidence, b.CumulativeIncidence);
        Assert.Equal(a.StandardError, b.StandardError);
    }

    [Fact]
    public void Without_competing_events_the_cumulative_incidence_is_one_minus_kaplan_meier_with_greenwood_se()
    {
        var (time, cause, _, _) = Simulate(300, 40, 1, 0.4, 4);
        var fit = AalenJohansen.Fit(new CompetingRisksData(time, cause, CauseLabels(1)), new CumulativeIncidenceOptions()).Of(1)[0];
        var km = ProductLimit.Fit(new SurvivalData(time, cause.Select(c => c == 1).ToArray()), new KaplanMeierOptions()).Curves[0];
        Assert.Equal(km.Time, fit.Time);
        for (int j = 0; j < km.Time.Length; j++)
        {
            Assert.Equal(1 - km.Survival[j], fit.CumulativeIncidence[j], 1e-14);
            Assert.Equal(km.StandardError[j], fit.StandardError[j], 1e-14);
        }
    }

    [Fact]
    public void Competing_events_lower_the_cumulative_incidence_below_one_minus_kaplan_meier()
    {
        var (time, cause, _, _) = Simulate(400, 60, 2, 0.3, 5);
        var fit = AalenJohansen.Fit(new CompetingRisksData(time, cause, CauseLabels(2)), new CumulativeIncidenceOptions()).Of(1)[0];
        var km = ProductLimit.Fit(new SurvivalData(time, cause.Select(c => c == 1).ToArray()), new KaplanMeierOptions()).Curves[0];
        Assert.True(fit.CumulativeIncidence[^1] < 1 - km.Survival[^1] - 0.05, $"F = {fit.CumulativeIncidence[^1]}, 1 − KM = {1 - km.Survival[^1]}");
        for (int j = 0; j < km.Time.Length; j++) Assert.True(fit.CumulativeIncidence[j] <= 1 - km.Survival[j] + 1e-15);
    }

    [Fact]
    public void The_difference_between_two_groups_has_the_independent_groups_standard_error()
    {
        // survfit's values at the landmarks (competing_risks_reference.json, melanoma_by_sex) combined by hand.
        var c = CompetingRisksReference.Reference("cuminc", "melanoma_by_sex");
        var bound = CompetingRisksReference.Bind(c);
        var fit = AalenJohansen.Fit(CompetingRisksData.From(bound, bound.Group), new CumulativeIncidenceOptions());
        var curves = fit.Of(1);
        var male = c.GetProperty("groups")[1].GetProperty("causes")[0].GetProperty("at");
        var female = c.GetProperty("groups")[0].GetProperty("causes")[0].GetProperty("at");
        // summary.survfit leaves out times beyond a group's follow-up: compare at the times both groups report.
        var times = SurvivalReference.Numbers(male.GetProperty("time")).Intersect(SurvivalReference.Numbers(female.GetProperty("time"))).ToArray();
        Assert.Equal([1826, 3652], times);
        var differences = CumulativeIncidenceComparison.At(curves[1], curves[0], times);
        for (int i = 0; i < times.Length; i++)
        {
            double d = male.GetProperty("pstate")[i].GetDouble() - female.GetProperty("pstate")[i].GetDouble();
            double se = Math.Sqrt(Math.Pow(male.GetProperty("std_err")[i].GetDouble(), 2) + Math.Pow(female.GetProperty("std_err")[i].GetDouble(), 2));
            Assert.Equal(d, differences[i].Difference, 1e-13);
            Assert.Equal(se, differences[i].StandardError, 1e-13);
            Assert.Equal(d - 1.959963984540054 * se, differences[i].Lower, 1e-12);
            Assert.Equal(d + 1.959963984540054 * se, differences[i].Upper, 1e-12);
            Assert.Equal(d / se, differences[i].Z, 1e-10);
        }
    }

    [Fact]
    public void A_difference_beyond_either_follow_up_is_NA()
    {
        var data = new CompetingRisksData([1, 2, 3, 10, 11, 12], [1, 2, 0, 1, 0, 2], CauseLabels(2), [0, 0, 0, 1, 1, 1], ["a", "b"]);
        var curves = AalenJohansen.Fit(data, new CumulativeIncidenceOptions()).Of(1);
        var beyond = CumulativeIncidenceComparison.At(curves[0], curves[1], [5])[0];
        Assert.True(double.IsNaN(beyond.Difference) && double.IsNaN(beyond.StandardError) && double.IsNaN(beyond.PValue));
    }

    // ---- Fine–Gray ------------------------------------------------------------------------------------------------

    private static DesignMatrix Design(double[] x1, double[] x2) =>
        DesignMatrix.Build([CovariateTerm.Numeric("x1", x1), CovariateTerm.Numeric("x2", x2)]);

    [Theory]
    [InlineData(60, 8, nameof(FineGrayCensoringTies.FailuresAtRisk), 11)]
    [InlineData(60, 8, nameof(FineGrayCensoringTies.FailuresFirst), 12)]
    [InlineData(120, 300, nameof(FineGrayCensoringTies.FailuresAtRisk), 13)]
    public void Fine_gray_fit_equals_sums_over_the_expanded_risk_sets(int n, int span, string tiesName, int seed)
    {
        var ties = Enum.Parse<FineGrayCensoringTies>(tiesName);
        var (time, cause, x1, x2) = Simulate(n, span, 2, 0.35, seed);
        var design = Design(x1, x2);
        var model = FineGrayRegression.Fit(time, cause, design, 1, new FineGrayOptions { CensoringTies = ties });
        var oracle = new FineGrayOracle(time, cause, x1, x2, ties);
        var (logLik, score, information) = oracle.Evaluate(model.Beta);
        Assert.Equal(logLik, model.LogLik, 1e-10);
        Assert.True(score.All(s => Math.Abs(s) < 1e-8), $"score at the estimate: {string.Join(", ", score)}");
        var inverse = Invert2(information);
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 2; b++)
                Assert.Equal(inverse[a, b], model.ModelVariance[a * 2 + b], 1e-10 * Math.Abs(inverse[a, a]));
        var (sandwich, weightsFixed) = oracle.Sandwiches(model.Beta, inverse);
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 2; b++)
            {
                Assert.Equal(sandwich[a, b], model.Variance[a * 2 + b], 1e-10 * Math.Abs(sandwich[a, a]));
                Assert.Equal(weightsFixed[a, b], model.WeightsFixedVariance[a * 2 + b], 1e-10 * Math.Abs(weightsFixed[a, a]));
            }
        Assert.Equal(oracle.Evaluate([0, 0]).LogLik, model.LogLikNull, 1e-10);
    }

    [Fact]
    public void Fine_gray_likelihood_over_several_parallel_blocks_equals_the_expanded_sums()
    {
        // 70,000 rows: three blocks of the parallel Gram; whole-number times keep the oracle's O(n × failure times) short.
        var (time, cause, x1, x2) = Simulate(70_000, 150, 2, 0.4, 21);
        var model = FineGrayRegression.Fit(time, cause, Design(x1, x2));
        var (logLik, score, information) = new FineGrayOracle(time, cause, x1, x2, FineGrayCensoringTies.FailuresAtRisk).Evaluate(model.Beta);
        Assert.Equal(logLik, model.LogLik, 1e-7 * Math.Abs(logLik));
        Assert.True(score.All(s => Math.Abs(s) < 1e-6), $"score at the estimate: {string.Join(", ", score)}");
        var inverse = Invert2(information);
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 2; b++)
                Assert.Equal(inverse[a, b], model.ModelVariance[a * 2 + b], 1e-9 * Math.Abs(inverse[a, a]));
    }

    [Fact]
    public void Fine_gray_does_not_depend_on_row_order_or_on_shifting_a_covariate()
    {
        var (time, cause, x1, x2) = Simulate(150, 30, 2, 0.4, 31);
        var model = FineGrayRegression.Fit(time, cause, Design(x1, x2));
        var permutation = Enumerable.Range(0, time.Length).Reverse().ToArray();
        var permuted = FineGrayRegression.Fit(permutation.Select(i => time[i]).ToArray(), permutation.Select(i => cause[i]).ToArray(),
            Design(permutation.Select(i => x1[i]).ToArray(), permutation.Select(i => x2[i]).ToArray()));
        var shifted = FineGrayRegression.Fit(time, cause, Design(x1.Select(v => v + 1000).ToArray(), x2));
        for (int j = 0; j < 2; j++)
        {
            Assert.Equal(model.Beta[j], permuted.Beta[j], 1e-12);
            Assert.Equal(model.Coefficients[j].StandardError, permuted.Coefficients[j].StandardError, 1e-12);
            Assert.Equal(model.Beta[j], shifted.Beta[j], 1e-9);
            Assert.Equal(model.Coefficients[j].StandardError, shifted.Coefficients[j].StandardError, 1e-9);
        }
        var again = FineGrayRegression.Fit(time, cause, Design(x1, x2));
        Assert.Equal(model.Beta, again.Beta); // bit for bit
    }

    [Fact]
    public void A_collinear_column_is_aliased_and_the_others_still_estimated()
    {
        var (time, cause, x1, x2) = Simulate(200, 30, 2, 0.3, 41);
        var design = DesignMatrix.Build([CovariateTerm.Numeric("x1", x1), CovariateTerm.Numeric("x2", x2), CovariateTerm.Numeric("twice_x1", x1.Select(v => 2 * v).ToArray())]);
        var model = FineGrayRegression.Fit(time, cause, design);
        var single = FineGrayRegression.Fit(time, cause, Design(x1, x2));
        Assert.True(model.Coefficients[2].Aliased);
        Assert.True(double.IsNaN(model.Coefficients[2].Coefficient));
        Assert.Contains(model.Warnings, w => w.Contains("twice_x1 is collinear"));
        Assert.Equal(single.Beta[0], model.Beta[0], 1e-9);
        Assert.Equal(single.Coefficients[0].StandardError, model.Coefficients[0].StandardError, 1e-9);
    }

    [Fact]
    public void Fine_gray_refuses_data_without_an_event_of_the_cause()
    {
        var error = Assert.Throws<StratifyInputException>(() => FineGrayRegression.Fit([1, 2, 3], [0, 2, 0], Design([0, 1, 2], [1, 0, 1])));
        Assert.Contains("no events of the cause of interest", error.Message);
    }

    [Fact]
    public void Causes_whose_own_predictions_add_up_above_one_are_flagged_from_the_first_time_it_happens()
    {
        var a = new PredictedCumulativeIncidence(1, [1, 3], [0.4, 0.7]);
        var b = new PredictedCumulativeIncidence(2, [2, 4], [0.5, 0.6]);
        var total = CauseTotal.Of([a, b]);
        Assert.Equal(1.3, total.Maximum, 1e-15);   // 0.7 + 0.6 at time 4
        Assert.Equal(3, total.FirstTimeAboveOne);  // 0.7 + 0.5 = 1.2 at time 3; 0.4 + 0.5 = 0.9 at time 2
        Assert.True(total.ExceedsOne);
        Assert.False(CauseTotal.Of([a, new PredictedCumulativeIncidence(2, [2], [0.2])]).ExceedsOne);
    }

    private static double[,] Invert2(double[,] m)
    {
        double det = m[0, 0] * m[1, 1] - m[0, 1] * m[1, 0];
        return new[,] { { m[1, 1] / det, -m[0, 1] / det }, { -m[1, 0] / det, m[0, 0] / det } };
    }

    /// <summary>
    /// Fine &amp; Gray (1999) from the definitions, on raw (uncentred) covariates: at each time t with events of cause 1,
    /// every row's weight is 1 if its time ≥ t, Ĝ(t−)/Ĝ(T−) if it had a competing event before t, else 0.
    /// </summary>
    private sealed class FineGrayOracle
    {
        private readonly double[] _time;
        private readonly byte[] _cause;
        private readonly double[][] _x;
        private readonly double[] _distinct;
        private readonly double[] _gBefore;   // Ĝ(t−) at each distinct time
        private readonly int[] _censoringAtRisk;
        private readonly double[] _rowGBefore; // Ĝ(T_i−) per row

        public FineGrayOracle(double[] time, byte[] cause, double[] x1, double[] x2, FineGrayCensoringTies ties)
        {
            _time = time;
            _cause = cause;
            _x = time.Select((_, i) => new[] { x1[i], x2[i] }).ToArray();
            _distinct = time.Distinct().Order().ToArray();
            _gBefore = new double[_distinct.Length];
            _censoringAtRisk = new int[_distinct.Length];
            double g = 1;
            for (int j = 0; j < _distinct.Length; j++)
            {
                double t = _distinct[j];
                int atRisk = time.Count(v => v >= t) - (ties == FineGrayCensoringTies.FailuresFirst ? time.Where((v, i) => v == t && cause[i] != 0).Count() : 0);
                int censored = time.Where((v, i) => v == t && cause[i] == 0).Count();
                _gBefore[j] = g;
                _censoringAtRisk[j] = atRisk;
                g *= 1 - (double)censored / atRisk;
            }
            _rowGBefore = time.Select(GBefore).ToArray();
        }

        private double GBefore(double t) => _gBefore[Array.BinarySearch(_distinct, t)];

        private double Weight(int i, double t) =>
            _time[i] >= t ? 1 : _cause[i] > 1 ? GBefore(t) / _rowGBefore[i] : 0;

        private double Risk(int i, double[] beta) => Math.Exp(_x[i][0] * beta[0] + _x[i][1] * beta[1]);

        /// <summary>(S0, x̄) over the weighted risk set at t.</summary>
        private (double S0, double[] Mean) RiskSet(double t, double[] beta)
        {
            double s0 = 0;
            var s1 = new double[2];
            for (int i = 0; i < _time.Length; i++)
            {
                double w = Weight(i, t) * Risk(i, beta);
                s0 += w;
                s1[0] += w * _x[i][0];
                s1[1] += w * _x[i][1];
            }
            return (s0, [s1[0] / s0, s1[1] / s0]);
        }

        private IEnumerable<(double Time, int Events)> FailureTimes() =>
            _distinct.Select(t => (t, _time.Where((v, i) => v == t && _cause[i] == 1).Count())).Where(f => f.Item2 > 0);

        public (double LogLik, double[] Score, double[,] Information) Evaluate(double[] beta)
        {
            double logLik = 0;
            var score = new double[2];
            var information = new double[2, 2];
            foreach (var (t, d) in FailureTimes())
            {
                var (s0, mean) = RiskSet(t, beta);
                logLik -= d * Math.Log(s0);
                for (int i = 0; i < _time.Length; i++)
                {
                    if (_time[i] == t && _cause[i] == 1)
                    {
                        logLik += _x[i][0] * beta[0] + _x[i][1] * beta[1];
                        score[0] += _x[i][0] - mean[0];
                        score[1] += _x[i][1] - mean[1];
                    }
                    double w = Weight(i, t) * Risk(i, beta) / s0 * d;
                    for (int a = 0; a < 2; a++)
                        for (int b = 0; b < 2; b++) information[a, b] += w * (_x[i][a] - mean[a]) * (_x[i][b] - mean[b]);
                }
            }
            return (logLik, score, information);
        }

        /// <summary>I⁻¹ Σ(η+ψ)(η+ψ)ᵀ I⁻¹ and I⁻¹ Σηηᵀ I⁻¹ with η and ψ as double sums (no running sums).</summary>
        public (double[,] WithCensoring, double[,] WeightsFixed) Sandwiches(double[] beta, double[,] inverse)
        {
            int n = _time.Length;
            var failures = FailureTimes().Select(f => (f.Time, f.Events, Set: RiskSet(f.Time, beta))).ToArray();
            var eta = new double[n][];
            for (int i = 0; i < n; i++)
            {
                eta[i] = new double[2];
                foreach (var (t, d, (s0, mean)) in failures)
                {
                    if (_time[i] == t && _cause[i] == 1) { eta[i][0] += _x[i][0] - mean[0]; eta[i][1] += _x[i][1] - mean[1]; }
                    double w = Weight(i, t) * Risk(i, beta) * d / s0;
                    eta[i][0] -= w * (_x[i][0] - mean[0]);
                    eta[i][1] -= w * (_x[i][1] - mean[1]);
                }
            }
            // q(u) = Σ_{failure t ≥ u} Ĝ(t−) d/S0 Σ_{competing j, T_j < u} r_j/Ĝ(T_j−) (x_j − x̄(t)), at each censoring time u
            var q = new Dictionary<double, double[]>();
            foreach (double u in _distinct)
            {
                var value = new double[2];
                foreach (var (t, d, (s0, mean)) in failures.Where(f => f.Time >= u))
                    for (int j = 0; j < n; j++)
                        if (_cause[j] > 1 && _time[j] < u)
                        {
                            double w = GBefore(t) * d / s0 * Risk(j, beta) / GBefore(_time[j]);
                            value[0] += w * (_x[j][0] - mean[0]);
                            value[1] += w * (_x[j][1] - mean[1]);
                        }
                q[u] = value;
            }
            var omega = new double[2, 2];
            var omegaEta = new double[2, 2];
            for (int i = 0; i < n; i++)
            {
                var psi = new double[2];
                for (int k = 0; k < _distinct.Length; k++)
                {
                    double u = _distinct[k];
                    int censored = _time.Where((v, j) => v == u && _cause[j] == 0).Count();
                    if (u > _time[i] || censored == 0) continue;
                    double y = _censoringAtRisk[k];
                    psi[0] -= censored * q[u][0] / (y * y);
                    psi[1] -= censored * q[u][1] / (y * y);
                    if (u == _time[i] && _cause[i] == 0) { psi[0] += q[u][0] / y; psi[1] += q[u][1] / y; }
                }
                for (int a = 0; a < 2; a++)
                    for (int b = 0; b < 2; b++)
                    {
                        omega[a, b] += (eta[i][a] + psi[a]) * (eta[i][b] + psi[b]);
                        omegaEta[a, b] += eta[i][a] * eta[i][b];
                    }
            }
            return (Sandwich(inverse, omega), Sandwich(inverse, omegaEta));
        }

        private static double[,] Sandwich(double[,] a, double[,] omega)
        {
            var result = new double[2, 2];
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 2; j++)
                    for (int k = 0; k < 2; k++)
                        for (int l = 0; l < 2; l++) result[i, j] += a[i, k] * omega[k, l] * a[l, j];
            return result;
        }
    }
}
