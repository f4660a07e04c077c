using System.Globalization;

namespace Stratify.Survival;

// Gray's K-sample test for equality of the cumulative incidence of one cause across groups (Gray, Ann Stat 1988;
// 16:1141–54), computed as cmprsk 2.2's cuminc (Fortran crstm/crst), optionally stratified and with the weight
// (1 - F(t-))^rho. Within a stratum, at each distinct time t with, per group g, R_g at risk, d1_g events of the cause
// and d2_g of other causes, S_g(t-) the group's left-continuous overall Kaplan–Meier and F_g(t-) its left-continuous
// cumulative incidence of the cause, the subdistribution "risk set" of group g is R̃_g = R_g (1 - F_g(t-)) / S_g(t-):
//   score  s_g += w (d1_g - D1 R̃_g / Σ_h R̃_h),            w = (1 - F(t-))^rho, D1 = Σ_g d1_g
// with F the pooled cumulative incidence, F(t) = F(t-) + D1 / Σ_h R_h/S_h(t-). The variance of s (groups 1..G-1) is
// Gray's asymptotic estimator: with h_g = R_g/S_g(t-), a_ij = w h_i (δ_ij - h_j / Σh) and the running sums
// c_ij(t) = Σ_{u <= t} a_ij(u) D1(u) / (Σh(u) (1 - F(u-))), each time adds, for every group k,
//   cause events:  t4 = 1 - (1 - F(t))/S_k(t), t3 = f S_k(t-) D1 / (Σh R_k), f = 1 - (D1 - 1)/(Σh S_k(t-) - 1)
//                  V_ij += (a_ik - t4 c_ik)(a_jk - t4 c_jk) t3,   v2_ik += (a_ik - t4 c_ik) t4 t3,   v3_k += t4² t3
//   other causes:  t4 = (1 - F(t))/S_k(t), t3 = f S_k(t-)² d2_k / R_k², f = 1 - (d2_k - 1)/(R_k - 1)
//                  V_ij += t4² c_ik c_jk t3,   v2_ik -= t4² c_ik t3,   v3_k += t4² t3
// and at the end of the stratum V_ij += Σ_k (c_ik c_jk v3_k + c_ik v2_jk + c_jk v2_ik). Scores and variances are
// summed over strata; χ² = sᵀ V⁻¹ s on G - 1 degrees of freedom (G = groups with patients). Ties: all events at a
// time together, censored at a time at risk there. When V is singular cmprsk reports -1; here the statistic is NaN.
// Times equal within sqrt(machine eps) are merged first (R's timefix); cmprsk compares them exactly.
// Cost: from the counts per distinct time and group (see GroupTable), one pass per stratum, O(T G²).

/// <summary>Gray's test of equal cumulative incidence of one cause across groups.</summary>
/// <param name="Groups">The groups compared (those with patients), in code order.</param>
internal sealed record GrayTestResult(int Cause, string CauseLabel, double Statistic, int DegreesOfFreedom, double PValue, double Rho,
    bool Stratified, IReadOnlyList<string> Groups);

/// <summary>
/// Gray's (1988) test comparing cumulative incidence curves across groups, agreeing with cmprsk's cuminc.
/// </summary>
/// <example>
/// <code>
/// var bound = StudyBinder.Load(StudySpecReader.Read("datasets/melanoma.yaml"));
/// var test = GrayTest.Compute(CompetingRisksData.From(bound, bound.Group));   // melanoma death by sex
/// </code>
/// </example>
internal static class GrayTest
{
    /// <summary>R's qr() rank tolerance, used to call V singular.</summary>
    private const double RankTolerance = 1e-7;

    public static GrayTestResult Compute(CompetingRisksData data, int cause = 1, double rho = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Group is null) throw new Data.StratifyInputException("Gray's test needs a group column");
        if (cause < 1 || cause > data.CauseCount) throw new ArgumentOutOfRangeException(nameof(cause));
        if (!double.IsFinite(rho)) throw new Data.StratifyInputException("rho must be a finite number", value: rho.ToString("R", CultureInfo.InvariantCulture));

        // Groups with patients, renumbered 0..G-1 in code order (cmprsk drops empty factor levels).
        var tables = data.Tables(byStratum: true);
        int strata = tables.Length / data.GroupCount;
        var present = new List<int>();
        for (int g = 0; g < data.GroupCount; g++)
        {
            int size = 0;
            for (int s = 0; s < strata; s++) size += tables[s * data.GroupCount + g].N;
            if (size > 0) present.Add(g);
        }
        int groups = present.Count;
        if (groups < 2) throw new Data.StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"Gray's test needs at least 2 groups with patients; found {groups}"));

        int r = groups - 1;
        var score = new double[r];
        var variance = new double[r * r];
        var stratum = new StratumSums(groups);
        var cells = new GroupTable[groups];
        for (int s = 0; s < strata; s++)
        {
            for (int i = 0; i < groups; i++) cells[i] = tables[s * data.GroupCount + present[i]];
            stratum.Accumulate(cells, cause, rho);
            for (int i = 0; i < r; i++)
            {
                score[i] += stratum.Score[i];
                for (int j = 0; j < r; j++) variance[i * r + j] += stratum.Variance[i * r + j];
            }
        }
        var (statistic, rank) = CoxMatrixAlgebra.QuadraticForm(variance, r, score, RankTolerance);
        if (rank < r) statistic = double.NaN;
        return new GrayTestResult(cause, data.CauseLabels[cause], statistic, r, Statistics.TailProbability.ChiSquarePValue(statistic, r), rho,
            data.Strata is not null, present.Select(g => data.GroupLabels[g]).ToArray());
    }

    /// <summary>One stratum's score (groups 0..G-2) and its variance, computed in one pass over its patients.</summary>
    private sealed class StratumSums(int groups)
    {
        private readonly int[] _atRisk = new int[groups], _cause = new int[groups], _other = new int[groups], _leaving = new int[groups];
        private readonly double[] _survivalBefore = new double[groups], _survival = new double[groups];
        private readonly double[] _incidenceBefore = new double[groups], _incidence = new double[groups];
        private readonly double[] _v3 = new double[groups], _v2 = new double[(groups - 1) * groups];
        private readonly double[] _a = new double[groups * groups], _c = new double[groups * groups];

        public double[] Score { get; } = new double[groups - 1];
        /// <summary>(G-1)×(G-1), row-major, full.</summary>
        public double[] Variance { get; } = new double[(groups - 1) * (groups - 1)];

        /// <summary>
        /// One stratum, from its groups' tables merged by time: at each distinct time of the stratum, a group's counts
        /// are those of its table row at that time (none if it has no row there).
        /// </summary>
        public void Accumulate(GroupTable[] cells, int cause, double rho)
        {
            int r = groups - 1;
            Array.Clear(Score);
            Array.Clear(Variance);
            Array.Clear(_v3);
            Array.Clear(_v2);
            Array.Clear(_c);
            Array.Fill(_survivalBefore, 1.0);
            Array.Fill(_survival, 1.0);
            Array.Clear(_incidenceBefore);
            Array.Clear(_incidence);
            var next = new int[groups];
            for (int g = 0; g < groups; g++) _atRisk[g] = cells[g].N;
            double pooledBefore = 0, pooled = 0;
            while (true)
            {
                double t = double.PositiveInfinity;
                for (int g = 0; g < groups; g++)
                    if (next[g] < cells[g].Time.Length) t = Math.Min(t, cells[g].Time[next[g]]);
                if (double.IsPositiveInfinity(t)) break;
                int d1 = 0, d2 = 0;
                for (int g = 0; g < groups; g++)
                {
                    var cell = cells[g];
                    int j = next[g];
                    if (j < cell.Time.Length && cell.Time[j] == t)
                    {
                        _cause[g] = cell.NEvent[cause][j];
                        _other[g] = cell.NAnyEvent[j] - _cause[g];
                        _leaving[g] = cell.NAnyEvent[j] + cell.NCensor[j];
                        next[g] = j + 1;
                    }
                    else _cause[g] = _other[g] = _leaving[g] = 0;
                    d1 += _cause[g];
                    d2 += _other[g];
                }
                if (d1 > 0 || d2 > 0) AddTime(d1, d2, ref pooledBefore, ref pooled, rho, r);
                for (int g = 0; g < groups; g++) _atRisk[g] -= _leaving[g];
                pooledBefore = pooled;
                Array.Copy(_incidence, _incidenceBefore, groups);
                Array.Copy(_survival, _survivalBefore, groups);
            }
            for (int i = 0; i < r; i++)
                for (int j = 0; j <= i; j++)
                {
                    double sum = Variance[i * r + j];
                    for (int k = 0; k < groups; k++)
                        sum += _c[i * groups + k] * _c[j * groups + k] * _v3[k] + _c[i * groups + k] * _v2[j * groups + k] + _c[j * groups + k] * _v2[i * groups + k];
                    Variance[i * r + j] = Variance[j * r + i] = sum;
                }
        }

        private void AddTime(int d1, int d2, ref double pooledBefore, ref double pooled, double rho, int r)
        {
            double hazardSum = 0, riskSum = 0; // Σ_h R_h/S_h(t-) and Σ_h R̃_h
            for (int g = 0; g < groups; g++)
            {
                if (_atRisk[g] <= 0) continue;
                _survival[g] = _survivalBefore[g] * (_atRisk[g] - _cause[g] - _other[g]) / _atRisk[g];
                _incidence[g] = _incidenceBefore[g] + _survivalBefore[g] * _cause[g] / _atRisk[g];
                hazardSum += _atRisk[g] / _survivalBefore[g];
                riskSum += _atRisk[g] * (1 - _incidenceBefore[g]) / _survivalBefore[g];
            }
            pooled = pooledBefore + d1 / hazardSum;
            double w = Math.Pow(1 - pooledBefore, rho);
            double cScale = d1 / (hazardSum * (1 - pooledBefore));
            Array.Clear(_a);
            for (int i = 0; i < groups; i++)
            {
                if (_atRisk[i] <= 0) continue;
                double hi = _atRisk[i] / _survivalBefore[i];
                _a[i * groups + i] = w * hi * (1 - hi / hazardSum);
                _c[i * groups + i] += _a[i * groups + i] * cScale;
                for (int j = i + 1; j < groups; j++)
                {
                    if (_atRisk[j] <= 0) continue;
                    _a[i * groups + j] = -w * hi * _atRisk[j] / (_survivalBefore[j] * hazardSum);
                    _c[i * groups + j] += _a[i * groups + j] * cScale;
                }
            }
            for (int i = 1; i < groups; i++)
                for (int j = 0; j < i; j++)
                {
                    _a[i * groups + j] = _a[j * groups + i];
                    _c[i * groups + j] = _c[j * groups + i];
                }
            for (int i = 0; i < r; i++)
                if (_atRisk[i] > 0)
                    Score[i] += w * (_cause[i] - (double)d1 * _atRisk[i] * (1 - _incidenceBefore[i]) / (_survivalBefore[i] * riskSum));
            if (d1 > 0)
                for (int k = 0; k < groups; k++)
                {
                    if (_atRisk[k] <= 0) continue;
                    double t4 = _survival[k] > 0 ? 1 - (1 - pooled) / _survival[k] : 1;
                    double tie = d1 > 1 ? 1 - (d1 - 1) / (hazardSum * _survivalBefore[k] - 1) : 1;
                    double t3 = tie * _survivalBefore[k] * d1 / (hazardSum * _atRisk[k]);
                    _v3[k] += t4 * t4 * t3;
                    for (int i = 0; i < r; i++)
                    {
                        double t1 = _a[i * groups + k] - t4 * _c[i * groups + k];
                        _v2[i * groups + k] += t1 * t4 * t3;
                        for (int j = 0; j <= i; j++) Variance[i * r + j] += t1 * (_a[j * groups + k] - t4 * _c[j * groups + k]) * t3;
                    }
                }
            if (d2 > 0)
                for (int k = 0; k < groups; k++)
                {
                    if (_survival[k] <= 0 || _other[k] <= 0 || _atRisk[k] <= 0) continue;
                    double t4 = (1 - pooled) / _survival[k];
                    double tie = _other[k] > 1 ? 1 - (_other[k] - 1.0) / (_atRisk[k] - 1.0) : 1;
                    double t3 = tie * (_survivalBefore[k] * _survivalBefore[k] * _other[k]) / ((double)_atRisk[k] * _atRisk[k]);
                    _v3[k] += t4 * t4 * t3;
                    for (int i = 0; i < r; i++)
                    {
                        double t1 = t4 * _c[i * groups + k];
                        _v2[i * groups + k] -= t1 * t4 * t3;
                        for (int j = 0; j <= i; j++) Variance[i * r + j] += t1 * t4 * _c[j * groups + k] * t3;
                    }
                }
        }
    }
}
