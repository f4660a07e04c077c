using MathNet.Numerics.LinearAlgebra;
using Stratify.Statistics;
using System.Globalization;

namespace Stratify.Survival;

// The k-sample log-rank test and its Fleming–Harrington G(rho) family (Harrington & Fleming, Biometrika 1982),
// computed as R's survival 3.5 survdiff() (C routine survdiff2). Within each stratum, at each distinct time t_j
// with d_j events among n_j at risk (n_jk, d_jk in group k), with weight w_j = S(t_j-)^rho, S the pooled
// left-continuous Kaplan–Meier of the stratum (rho = 0: log-rank; rho = 1: Peto–Peto / Prentice):
//   O_k = sum_j w_j d_jk                         (observed, weighted as survdiff reports it)
//   E_k = sum_j w_j d_j n_jk / n_j               (expected)
//   V_kl = sum_j w_j^2 d_j (n_j - d_j) / (n_j (n_j - 1)) * n_jk (delta_kl - n_jl / n_j)   (hypergeometric; 0 if n_j = 1)
// O, E and V are summed over strata. Groups with E_k = 0 are dropped; with the remaining k' groups,
//   chi2 = (O - E)' V^-1 (O - E) on the last k' - 1 of them (V is singular), df = k' - 1.
//   (When even that reduced V is singular, e.g. every patient dies at one time, R's solve() stops with an error;
//   here the statistic and p-value are NaN, written as null.)
// Ties: all events at t_j are one hypergeometric draw; censored at t_j are at risk at t_j; times equal within
// sqrt(machine eps) are merged first (R's timefix = TRUE).
// Pairwise comparisons (as survminer's pairwise_survdiff): survdiff on the patients of the two groups only,
// same strata and rho, then p.adjust over all k(k-1)/2 pairs.
// Test for trend (Collett, Modelling Survival Data, 2nd ed., section 2.6.4) over groups in code order with
// scores w = 1..k': chi2_trend = (w'(O - E))^2 / (w' V w), df = 1.
//
// Case weights (SurvivalData.Weights): R's survdiff takes none, so the weighted test is the score test of the
// weighted Cox model on the group indicators, R's coxph(Surv(time, status) ~ group [+ strata(s)], weights = w) with
// its default Efron ties (CoxScoreTest): O - E becomes the score U at beta = 0 (O_k = summed weights of the group's
// events, E_k = O_k - U_k) and V its variance, either the model-based information (R's "Score (logrank) test", which
// treats the weights as frequencies) or the robust sandwich of the weighted score residuals (R's "Robust" score
// test, coxph's default when a weight is fractional, as with inverse-probability weights; LogRankOptions.Robust
// overrides it). chi2 = U' V^- U over the indicators of all groups but the first, df = the rank of V (a group never at
// risk at an event time drops out, as survdiff drops groups with E = 0). Pairwise tests are the same test on the
// pair's patients, the trend test (s'U)^2 / (s'Vs). With whole-number weights and no tied event times the
// model-based test equals survdiff on replicated rows; with ties it differs from survdiff by Efron's handling of
// them (survdiff's hypergeometric variance has no weighted analogue). rho > 0 has no weighted reference and is refused,
// and so is a weight of 0 (coxph refuses it).
//
// Counting-process rows (delayed entry, Surv(entry, time, event), or start/stop rows with a patient id): R's survdiff
// refuses them, so the test is the same score test, of coxph(Surv(entry, time, status) ~ group [+ strata(s)]) with
// Efron ties, over risk sets of the rows with entry < t <= stop; model-based without weights, and robust by patient
// (R's cluster = id) when a patient has several rows, or with fractional weights.
/// <summary>Observed and expected (weighted) events of one group.</summary>
public readonly record struct LogRankGroup(string Group, int N, double Observed, double Expected);

/// <summary>The two-group test of one pair, with its adjusted p-value.</summary>
public sealed record PairwiseLogRank(string GroupA, string GroupB, double Statistic, double PValue, double PAdjusted, PValueAdjustment Method);

/// <summary>The one-degree-of-freedom test for trend with the scores used (one per reported group).</summary>
public sealed record LogRankTrend(double[] Scores, double Statistic, int DegreesOfFreedom, double PValue);

/// <summary>
/// The result of <see cref="LogRankTest.Compute"/>: the overall chi-square test with its degrees of freedom and
/// p-value, observed/expected per group (groups with at least one patient, in code order) and the variance matrix
/// of O - E over those groups.
/// </summary>
public sealed record LogRankResult(
    double Statistic,
    int DegreesOfFreedom,
    double PValue,
    double Rho,
    bool Stratified,
    IReadOnlyList<LogRankGroup> Groups,
    double[,] Variance,
    IReadOnlyList<PairwiseLogRank> Pairwise,
    LogRankTrend? Trend)
{
    /// <summary>True when case weights were used: the test is then the score test of the weighted Cox model.</summary>
    public bool Weighted { get; init; }
    /// <summary>True when the variance is the robust (sandwich) one of the weighted score residuals.</summary>
    public bool Robust { get; init; }
    /// <summary>True when the rows were counting-process intervals (entry, stop]: the test is then the score test of the Cox model.</summary>
    public bool CountingProcess { get; init; }
    /// <summary>True when the test is the score test of the Cox model on the groups (weights or counting-process rows), not survdiff's.</summary>
    public bool ScoreTest => Weighted || CountingProcess;
}

/// <summary>
/// Compares survival across groups (optionally stratified), agreeing with R's survdiff.
/// </summary>
/// <example>
/// <code>
/// var data = SurvivalData.FromCohort(CsvCohortReader.Read("datasets/lung.csv"), "time", "status", group: "sex");
/// var test = LogRankTest.Compute(data, new LogRankOptions());
/// // test.Statistic = 10.3 on 1 df, p = 0.00131, as survdiff(Surv(time, status) ~ sex, lung)
/// </code>
/// </example>
internal static class LogRankTest
{
    /// <summary>
    /// The most groups compared at once. The variance matrix costs k² per event time (1,000 groups of 20,000 patients
    /// took 9 s), and a column with that many levels is an identifier or a measurement rather than a grouping.
    /// </summary>
    public const int MaxGroups = 100;
    /// <summary>The most groups compared pairwise: 30 give 435 tests, each a pass over the two groups' patients (1,000 groups gave 499,500 and ran for minutes).</summary>
    public const int MaxPairwiseGroups = 30;

    public static LogRankResult Compute(SurvivalData data, LogRankOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        if (!double.IsFinite(options.Rho) || options.Rho < 0)
            throw new Data.StratifyInputException("rho must be a finite number >= 0", value: options.Rho.ToString("R", CultureInfo.InvariantCulture));
        if (data.Group is null)
            throw new Data.StratifyInputException("the log-rank test needs a group column");
        int k = data.GroupCount;
        if (k > MaxGroups)
            throw new Data.StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"the grouping has {k:N0} groups, and the log-rank test compares at most {MaxGroups}"),
                suggestion: "A column with that many levels is usually an identifier or a measurement: group it into fewer categories.");
        if (options.Pairwise is not null && k > MaxPairwiseGroups)
            throw new Data.StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"pairwise comparisons of {k:N0} groups would be {k * (k - 1L) / 2:N0} tests; at most {MaxPairwiseGroups} groups ({MaxPairwiseGroups * (MaxPairwiseGroups - 1) / 2} tests) are compared pairwise"),
                suggestion: "Drop --pairwise, or compare fewer groups.");
        if (data.Weights is not null || data.IsCountingProcess) return ScoreTest(data, options);
        var sorted = data.Sorted; // order below holds positions into the time-sorted arrays
        // Unstratified, the positions are 0..n-1 in order: no array of them unless the pairwise tests filter it.
        int[]? order = null, strataStart = [0, sorted.Count];
        if (sorted.Strata is not null) order = SurvivalOrder.StableGroup(null, sorted.Strata, data.StrataCount, out strataStart);

        var sums = order is null
            ? Accumulate(sorted.Time, sorted.Event, sorted.Group!, k, new InOrder(), strataStart, options.Rho)
            : Accumulate(sorted.Time, sorted.Event, sorted.Group!, k, order, strataStart, options.Rho);
        var counts = new int[k];
        foreach (int g in data.Group) counts[g]++;
        var present = new List<int>(k);
        for (int g = 0; g < k; g++) if (counts[g] > 0) present.Add(g);
        if (present.Count < 2)
            throw new Data.StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"the log-rank test needs at least 2 groups with patients; found {present.Count}"));

        var (statistic, df) = ChiSquare(sums, k);
        var groups = new LogRankGroup[present.Count];
        var variance = new double[present.Count, present.Count];
        for (int a = 0; a < present.Count; a++)
        {
            int g = present[a];
            groups[a] = new LogRankGroup(data.GroupLabels[g], counts[g], sums.Observed[g], sums.Expected[g]);
            for (int b = 0; b < present.Count; b++) variance[a, b] = sums.Variance[g * k + present[b]];
        }
        var pairwise = options.Pairwise is { } method
            ? Pairs(data, sorted, order ?? SurvivalOrder.Identity(sorted.Count), strataStart, present, options.Rho, method)
            : [];
        var trend = options.Trend ? TrendTest(sums, k, present) : null;
        return new LogRankResult(statistic, df, TailProbability.ChiSquarePValue(statistic, df), options.Rho,
            data.Strata is not null, groups, variance, pairwise, trend);
    }

    /// <summary>O, E (length k) and V (k x k, row-major) summed over strata.</summary>
    internal sealed record Sums(double[] Observed, double[] Expected, double[] Variance);

    /// <summary>
    /// One forward pass per stratum over patients order[strataStart[s]..strataStart[s+1]) (ascending time).
    /// Rows of groups outside the comparison simply never appear in <paramref name="order"/>.
    /// </summary>
    internal static Sums Accumulate(double[] time, bool[] @event, int[] group, int k, int[] order, int[] strataStart, double rho)
        => Accumulate(time, @event, group, k, new Through(order), strataStart, rho);

    /// <summary>Positions p → row: through an order array, or the identity (compiled per kind, so neither costs a branch).</summary>
    private interface IPositions
    {
        int this[int p] { get; }
    }

    private readonly struct Through(int[] order) : IPositions
    {
        public int this[int p] => order[p];
    }

    private readonly struct InOrder : IPositions
    {
        public int this[int p] => p;
    }

    private static Sums Accumulate<TPositions>(double[] time, bool[] @event, int[] group, int k, TPositions order, int[] strataStart, double rho)
        where TPositions : struct, IPositions
    {
        var observed = new double[k];
        var expected = new double[k];
        var variance = new double[k * k];
        var atRisk = new int[k];
        var deaths = new int[k];
        var leaving = new int[k];
        for (int s = 0; s + 1 < strataStart.Length; s++)
        {
            int from = strataStart[s], to = strataStart[s + 1];
            Array.Clear(atRisk);
            for (int p = from; p < to; p++) atRisk[group[order[p]]]++;
            int nRisk = to - from;
            double km = 1; // pooled Kaplan–Meier just before the current time (left-continuous)
            for (int p = from; p < to;)
            {
                double t = time[order[p]];
                int q = p, d = 0;
                Array.Clear(deaths);
                Array.Clear(leaving);
                for (; q < to && time[order[q]] == t; q++)
                {
                    int row = order[q], g = group[row];
                    leaving[g]++;
                    if (@event[row]) { deaths[g]++; d++; }
                }
                if (d > 0)
                {
                    double w = rho == 0 ? 1 : Math.Pow(km, rho);
                    for (int g = 0; g < k; g++)
                    {
                        observed[g] += w * deaths[g];
                        expected[g] += w * d * atRisk[g] / nRisk;
                    }
                    if (nRisk > 1)
                    {
                        double w2 = w * w;
                        for (int g = 0; g < k; g++)
                        {
                            if (atRisk[g] == 0) continue;
                            double term = w2 * d * atRisk[g] * (double)(nRisk - d) / ((double)nRisk * (nRisk - 1));
                            variance[g * k + g] += term;
                            for (int h = 0; h < k; h++) variance[g * k + h] -= term * atRisk[h] / nRisk;
                        }
                    }
                    km *= (double)(nRisk - d) / nRisk;
                }
                for (int g = 0; g < k; g++) atRisk[g] -= leaving[g];
                nRisk -= q - p;
                p = q;
            }
        }
        return new Sums(observed, expected, variance);
    }

    /// <summary>survdiff's statistic: drop groups with E = 0 and the first remaining one, solve V x = O - E.</summary>
    internal static (double Statistic, int DegreesOfFreedom) ChiSquare(Sums sums, int k)
    {
        var kept = new List<int>(k);
        for (int g = 0; g < k; g++) if (sums.Expected[g] > 0) kept.Add(g);
        // As survdiff: with fewer than two groups expecting events the statistic is 0 on kept - 1 df (-1 when
        // none does, which gives an NA p-value).
        if (kept.Count < 2) return (0, kept.Count - 1);
        int r = kept.Count - 1;
        var v = Matrix<double>.Build.Dense(r, r);
        var diff = Vector<double>.Build.Dense(r);
        for (int a = 0; a < r; a++)
        {
            int g = kept[a + 1];
            diff[a] = sums.Observed[g] - sums.Expected[g];
            for (int b = 0; b < r; b++) v[a, b] = sums.Variance[g * k + kept[b + 1]];
        }
        double statistic = v.Solve(diff).DotProduct(diff);
        return (statistic, r);
    }

    /// <summary>
    /// The score test of the Cox model on group indicators (see the file header): with case weights, counting-process
    /// rows, or both.
    /// </summary>
    private static LogRankResult ScoreTest(SurvivalData data, LogRankOptions options)
    {
        if (options.Rho != 0)
            throw new Data.StratifyInputException(
                $"the Fleming–Harrington test (rho > 0) has no {(data.Weights is null ? "counting-process (delayed entry or start/stop)" : "weighted")} form to check against R",
                value: options.Rho.ToString("R", CultureInfo.InvariantCulture),
                suggestion: "Use rho = 0 (the score test of the Cox model on the groups).");
        int k = data.GroupCount;
        var counts = new int[k];
        var observed = new double[k];
        var group = data.Group!;
        var weights = data.Weights;
        if (weights is not null)
            for (int i = 0; i < weights.Length; i++)
                if (weights[i] <= 0)
                    throw new Data.StratifyInputException("a case weight in the weighted log-rank test must be > 0 (it is the score test of R's coxph, which refuses 0)",
                        column: "weights", row: i + 1, value: weights[i].ToString("R", CultureInfo.InvariantCulture), suggestion: "Leave out the rows of weight 0.");
        for (int i = 0; i < group.Length; i++)
        {
            counts[group[i]]++;
            if (data.Event[i]) observed[group[i]] += weights?[i] ?? 1;
        }
        var present = new List<int>(k);
        for (int g = 0; g < k; g++) if (counts[g] > 0) present.Add(g);
        if (present.Count < 2)
            throw new Data.StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"the log-rank test needs at least 2 groups with patients; found {present.Count}"));
        bool robust = CaseWeights.RobustByDefault(options.Robust, weights, data.Patient is not null);

        var all = SurvivalOrder.Identity(data.Count);
        var (score, variance) = GroupScore(data, all, present, robust);
        int m = present.Count;
        var groups = new LogRankGroup[m];
        var full = new double[m, m];
        for (int a = 0; a < m; a++)
        {
            int g = present[a];
            groups[a] = new LogRankGroup(data.GroupLabels[g], counts[g], observed[g], observed[g] - score[a]);
            for (int b = 0; b < m; b++) full[a, b] = variance[a * m + b];
        }
        var (statistic, rank) = QuadraticFormWithoutFirst(score, variance, m);

        var pairs = new List<(int A, int B, double Statistic, double P)>();
        if (options.Pairwise is not null)
        {
            for (int a = 0; a < m; a++)
            for (int b = a + 1; b < m; b++)
            {
                int ga = present[a], gb = present[b];
                var rows = new List<int>();
                for (int i = 0; i < group.Length; i++) if (group[i] == ga || group[i] == gb) rows.Add(i);
                var (pairScore, pairVariance) = GroupScore(data, rows.ToArray(), [ga, gb], robust);
                var (pairStatistic, pairDf) = QuadraticFormWithoutFirst(pairScore, pairVariance, 2);
                pairs.Add((ga, gb, pairStatistic, TailProbability.ChiSquarePValue(pairStatistic, pairDf)));
            }
        }
        var raw = pairs.Select(x => x.P).ToArray();
        var adjusted = options.Pairwise is { } method ? MultipleTesting.Adjust(raw, method) : [];
        var pairwise = pairs.Select((x, i) => new PairwiseLogRank(data.GroupLabels[x.A], data.GroupLabels[x.B], x.Statistic, x.P, adjusted[i],
            options.Pairwise!.Value)).ToArray();

        LogRankTrend? trend = null;
        if (options.Trend)
        {
            var scores = new double[m];
            double numerator = 0, denominator = 0;
            for (int a = 0; a < m; a++) scores[a] = a + 1;
            for (int a = 0; a < m; a++)
            {
                numerator += scores[a] * score[a];
                for (int b = 0; b < m; b++) denominator += scores[a] * scores[b] * variance[a * m + b];
            }
            double t = numerator * numerator / denominator;
            trend = new LogRankTrend(scores, t, 1, TailProbability.ChiSquarePValue(t, 1));
        }
        return new LogRankResult(statistic, rank, TailProbability.ChiSquarePValue(statistic, rank), 0, data.Strata is not null,
            groups, full, pairwise, trend) { Weighted = weights is not null, Robust = robust, CountingProcess = data.IsCountingProcess };
    }

    /// <summary>
    /// U and V of the Cox score test (weighted, counting-process rows, robust per patient) over the rows <paramref name="rows"/>, for every group of
    /// <paramref name="groups"/> (U_k, V_kl of each group's indicator; the first group's row is minus the sum of the
    /// others, since the indicators add to 1).
    /// </summary>
    private static (double[] Score, double[] Variance) GroupScore(SurvivalData data, int[] rows, IReadOnlyList<int> groups, bool robust)
    {
        int n = rows.Length, m = groups.Count, p = m - 1;
        var column = new int[data.GroupCount];
        Array.Fill(column, -1);
        for (int a = 1; a < m; a++) column[groups[a]] = a - 1;
        var values = new double[(long)n * p];
        var time = new double[n];
        var died = new bool[n];
        var weights = data.Weights is null ? null : new double[n];
        var entry = data.Entry is null ? null : new double[n];
        var patient = data.Patient is null ? null : new int[n];
        var strata = data.Strata is null ? null : new int[n];
        for (int r = 0; r < n; r++)
        {
            int i = rows[r];
            time[r] = data.Time[i];
            died[r] = data.Event[i];
            if (weights is not null) weights[r] = data.Weights![i];
            if (entry is not null) entry[r] = data.Entry![i];
            if (patient is not null) patient[r] = data.Patient![i];
            if (strata is not null) strata[r] = data.Strata![i];
            int c = column[data.Group![i]];
            if (c >= 0) values[(long)r * p + c] = 1;
        }
        var names = new string[p];
        var termOf = new int[p];
        for (int a = 1; a < m; a++) names[a - 1] = data.GroupLabels[groups[a]];
        var design = new DesignMatrix(values, n, names, termOf, ["group"]);
        var (u, information, meat) = CoxScoreTest.AtZero(time, died, design, strata, weights, robust, CoxTies.Efron, entry, patient);
        var reduced = robust ? meat! : information;

        var score = new double[m];
        var variance = new double[m * m];
        for (int a = 1; a < m; a++)
        {
            score[a] = u[a - 1];
            score[0] -= u[a - 1];
            for (int b = 1; b < m; b++)
            {
                double v = reduced[(a - 1) * p + b - 1];
                variance[a * m + b] = v;
                variance[b] -= v;          // row 0
                variance[a * m] -= v;      // column 0
                variance[0] += v;
            }
        }
        return (score, variance);
    }

    /// <summary>U'V⁻U over all groups but the first (R's coxph.wtest), with its rank.</summary>
    private static (double Statistic, int Rank) QuadraticFormWithoutFirst(double[] score, double[] variance, int m)
    {
        int p = m - 1;
        var reduced = new double[p * p];
        for (int a = 0; a < p; a++)
            for (int b = 0; b < p; b++) reduced[a * p + b] = variance[(a + 1) * m + b + 1];
        return CoxMatrixAlgebra.QuadraticForm(reduced, p, score.AsSpan(1), new CoxOptions().CholeskyTolerance);
    }

    private static LogRankTrend TrendTest(Sums sums, int k, List<int> present)
    {
        var scores = new double[present.Count];
        for (int a = 0; a < present.Count; a++) scores[a] = a + 1;
        double numerator = 0, denominator = 0;
        for (int a = 0; a < present.Count; a++)
        {
            int g = present[a];
            numerator += scores[a] * (sums.Observed[g] - sums.Expected[g]);
            for (int b = 0; b < present.Count; b++) denominator += scores[a] * scores[b] * sums.Variance[g * k + present[b]];
        }
        double statistic = numerator * numerator / denominator;
        return new LogRankTrend(scores, statistic, 1, TailProbability.ChiSquarePValue(statistic, 1));
    }

    private static PairwiseLogRank[] Pairs(SurvivalData data, TimeSortedPatients sorted, int[] order, int[] strataStart,
        List<int> present, double rho, PValueAdjustment method)
    {
        int k = data.GroupCount;
        var group = sorted.Group!;
        var pairs = new List<(int A, int B, double Statistic, double P)>();
        var subset = new int[order.Length];
        var subsetStart = new int[strataStart.Length];
        for (int a = 0; a < present.Count; a++)
        for (int b = a + 1; b < present.Count; b++)
        {
            int ga = present[a], gb = present[b], count = 0;
            // Filtering the stratum-then-time order keeps it sorted: no new sort per pair.
            for (int s = 0; s + 1 < strataStart.Length; s++)
            {
                subsetStart[s] = count;
                for (int p = strataStart[s]; p < strataStart[s + 1]; p++)
                {
                    int g = group[order[p]];
                    if (g == ga || g == gb) subset[count++] = order[p];
                }
            }
            subsetStart[^1] = count;
            var sums = Accumulate(sorted.Time, sorted.Event, group, k, subset, subsetStart, rho);
            var (statistic, df) = ChiSquare(sums, k);
            pairs.Add((ga, gb, statistic, TailProbability.ChiSquarePValue(statistic, df)));
        }
        var raw = new double[pairs.Count];
        for (int i = 0; i < raw.Length; i++) raw[i] = pairs[i].P;
        var adjusted = MultipleTesting.Adjust(raw, method);
        var result = new PairwiseLogRank[pairs.Count];
        for (int i = 0; i < result.Length; i++)
            result[i] = new PairwiseLogRank(data.GroupLabels[pairs[i].A], data.GroupLabels[pairs[i].B], pairs[i].Statistic,
                pairs[i].P, adjusted[i], method);
        return result;
    }
}
