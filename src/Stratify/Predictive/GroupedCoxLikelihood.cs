using Stratify.Survival;

namespace Stratify.Predictive;

/// <summary>
/// The Cox partial likelihood of a model whose covariate vector takes one of a few known values ("cells": the
/// treatment arm, or arm × side of a candidate split), so that every risk-set sum needs only how many patients of
/// each cell are at risk and how many die at each event time (Cox 1972; Efron 1977 ties; Therneau &amp; Grambsch
/// 2000, §3.2):
/// <code>
/// ℓ(β) = Σ_j [ Σ_c d_cj η_c − Σ_{k=0}^{d_j−1} log D_jk ]             η_c = x_c β,  w_c = exp(η_c)
/// D_jk = Σ_c m_cjk w_c,  A_jk = Σ_c m_cjk w_c x_c,  C_jk = Σ_c m_cjk w_c x_c x_cᵀ,  m_cjk = n_cj − (k / d_j) d_cj
/// U(β) = Σ_j [ Σ_c d_cj x_c − Σ_k A_jk / D_jk ]
/// I(β) = Σ_j Σ_k ( C_jk / D_jk − A_jk A_jkᵀ / D_jk² )
/// </code>
/// j runs over the distinct event times of each stratum ("positions"), n_cj counts the patients of cell c at risk
/// at t_j (time ≥ t_j, same stratum) and d_cj those dying at t_j; d_j = Σ_c d_cj. Efron's ties remove the tied
/// deaths from the risk set in equal fractions k/d_j, as <c>coxph</c>'s default does. A patient enters the counts
/// once, at its entry position (the last event time of its stratum not after its own time), and n_cj is the sum
/// of the entries at positions ≥ j, accumulated backwards in one sweep. Since m_cjk is linear in k/d_j, the sums
/// over the tied deaths of a position need only five scalar sums of 1/D_jk and its powers (as in
/// <see cref="CoxProportionalHazards"/>), so an evaluation costs O(positions × cells × p² + deaths) whatever the
/// number of patients, and moving a patient between cells costs O(1).
/// The fit is Newton–Raphson on the free (leading) coefficients with the others held fixed, from the β given (a
/// warm start), halving the step while ℓ falls, and converged when the largest step is below 1e-10·(1 + |β|);
/// the score and information left behind are those at the returned β. The tests hold the numbers to
/// <c>survival::coxph</c> on the same patients.
/// </summary>
internal sealed class GroupedCoxLikelihood
{
    private const double StepTolerance = 1e-10;
    private const int MaxIterations = 30;
    private readonly int _positions, _cells, _p;
    private readonly bool[] _lastOfStratum;
    private readonly double[] _design;
    private readonly int[] _entries, _deaths;
    private readonly double[] _eta, _weight, _atRisk, _step, _factor;

    /// <param name="positions">The layout of the event times (<see cref="RiskPositions"/>).</param>
    /// <param name="design">The covariate row of each cell, cells × p row-major.</param>
    public GroupedCoxLikelihood(RiskPositions positions, double[] design, int cells, int p)
    {
        _positions = positions.Count;
        _lastOfStratum = positions.LastOfStratum;
        _design = design;
        _cells = cells;
        _p = p;
        _entries = new int[cells * _positions];
        _deaths = new int[cells * _positions];
        _eta = new double[cells];
        _weight = new double[cells];
        _atRisk = new double[cells];
        _step = new double[p];
        _factor = new double[p * p];
        Score = new double[p];
        Information = new double[p * p];
    }

    public double LogLik { get; private set; }
    /// <summary>U at the β of the last evaluation.</summary>
    public double[] Score { get; }
    /// <summary>I at the β of the last evaluation, p×p row-major.</summary>
    public double[] Information { get; }

    /// <summary>Puts a patient (or takes it out, <paramref name="count"/> = −1) into a cell at its entry position.</summary>
    public void Add(int cell, int position, bool died, int count = 1)
    {
        if (position < 0) return; // never at risk at an event time of its stratum: no term of ℓ involves it
        _entries[position * _cells + cell] += count;
        if (died) _deaths[position * _cells + cell] += count;
    }

    /// <summary>Moves a patient from one cell to another.</summary>
    public void Move(int from, int to, int position, bool died)
    {
        Add(from, position, died, -1);
        Add(to, position, died);
    }

    /// <summary>Empties every cell.</summary>
    public void Clear()
    {
        Array.Clear(_entries);
        Array.Clear(_deaths);
    }

    /// <summary>ℓ, U and I at β (length p); returns ℓ (NaN when <paramref name="logLik"/> is false: U and I need no logarithms).</summary>
    public double Evaluate(ReadOnlySpan<double> beta, bool logLik = true)
    {
        bool withLogLik = logLik;
        int cells = _cells, p = _p, positions = _positions;
        for (int c = 0; c < cells; c++)
        {
            double eta = 0;
            for (int q = 0; q < p; q++) eta += _design[c * p + q] * beta[q];
            _eta[c] = eta;
            _weight[c] = Math.Exp(eta);
        }
        double sum = 0;
        Array.Clear(Score);
        Array.Clear(Information);
        Array.Clear(_atRisk);
        Span<double> sumAtRisk = stackalloc double[p];   // Σ_c n_cj w_c x_c
        Span<double> sumDying = stackalloc double[p];    // Σ_c d_cj w_c x_c
        Span<double> squareAtRisk = stackalloc double[p * p];
        Span<double> squareDying = stackalloc double[p * p];
        for (int j = positions - 1; j >= 0; j--)
        {
            if (_lastOfStratum[j]) Array.Clear(_atRisk);
            int deaths = 0;
            double riskAtRisk = 0, riskDying = 0;
            sumAtRisk.Clear();
            sumDying.Clear();
            squareAtRisk.Clear();
            squareDying.Clear();
            for (int c = 0; c < cells; c++)
            {
                _atRisk[c] += _entries[j * cells + c];
                int d = _deaths[j * cells + c];
                double a = _atRisk[c] * _weight[c], b = d * _weight[c];
                riskAtRisk += a;
                riskDying += b;
                deaths += d;
                sum += d * _eta[c];
                for (int q = 0; q < p; q++)
                {
                    double xq = _design[c * p + q];
                    if (xq == 0) continue;
                    Score[q] += d * xq;
                    sumAtRisk[q] += a * xq;
                    sumDying[q] += b * xq;
                    for (int r = 0; r <= q; r++)
                    {
                        double xqr = xq * _design[c * p + r];
                        squareAtRisk[q * p + r] += a * xqr;
                        squareDying[q * p + r] += b * xqr;
                    }
                }
            }
            if (deaths == 0) continue;
            // Efron: the k-th tied death sees D_k = D − f_k D_dying, f_k = k/d, and likewise for the sums of x and x xᵀ,
            // so Σ_k A_k/D_k and Σ_k (C_k/D_k − A_k A_kᵀ/D_k²) need only five scalar sums over k.
            double inverse = 0, shareInverse = 0, inverseSquare = 0, shareInverseSquare = 0, shareSquareInverseSquare = 0;
            for (int k = 0; k < deaths; k++)
            {
                double share = (double)k / deaths;
                double denominator = riskAtRisk - share * riskDying;
                double h = 1 / denominator;
                if (withLogLik) sum -= Math.Log(denominator);
                inverse += h;
                shareInverse += share * h;
                inverseSquare += h * h;
                shareInverseSquare += share * h * h;
                shareSquareInverseSquare += share * share * h * h;
            }
            for (int q = 0; q < p; q++)
            {
                Score[q] -= sumAtRisk[q] * inverse - sumDying[q] * shareInverse;
                for (int r = 0; r <= q; r++)
                    Information[q * p + r] += squareAtRisk[q * p + r] * inverse - squareDying[q * p + r] * shareInverse
                        - sumAtRisk[q] * sumAtRisk[r] * inverseSquare
                        + (sumAtRisk[q] * sumDying[r] + sumDying[q] * sumAtRisk[r]) * shareInverseSquare
                        - sumDying[q] * sumDying[r] * shareSquareInverseSquare;
            }
        }
        for (int q = 0; q < p; q++) for (int r = 0; r < q; r++) Information[r * p + q] = Information[q * p + r];
        LogLik = withLogLik ? sum : double.NaN;
        return LogLik;
    }

    /// <summary>
    /// Maximises ℓ over the first <paramref name="free"/> coefficients of <paramref name="beta"/> (the rest held),
    /// starting from its values, which it overwrites with the maximiser. False when the information of the free
    /// coefficients is singular or the iterations run out; the state is then that of the last β tried.
    /// From a warm start (the previous candidate's estimate) plain Newton steps shrink quadratically and ℓ, whose
    /// logarithms cost most of an evaluation, is not needed; only when a step fails to shrink does the fit restart
    /// from the start with ℓ evaluated and the step halved while ℓ falls.
    /// </summary>
    public bool Maximise(Span<double> beta, int free)
    {
        Span<double> start = stackalloc double[_p];
        beta.CopyTo(start);
        Evaluate(beta, logLik: false);
        double previous = double.PositiveInfinity;
        for (int iteration = 0; iteration < MaxIterations; iteration++)
        {
            if (!NewtonStep(free)) break;
            var (largest, size) = StepSize(beta, free);
            if (largest <= StepTolerance * (1 + size)) return true;
            if (!(largest < previous)) break;
            previous = largest;
            for (int q = 0; q < free; q++) beta[q] += _step[q];
            Evaluate(beta, logLik: false);
        }
        start.CopyTo(beta);
        return MaximiseSafeguarded(beta, free);
    }

    private (double Largest, double Size) StepSize(ReadOnlySpan<double> beta, int free)
    {
        double largest = 0, size = 0;
        for (int q = 0; q < free; q++)
        {
            largest = Math.Max(largest, Math.Abs(_step[q]));
            size = Math.Max(size, Math.Abs(beta[q]));
        }
        return (double.IsFinite(largest) ? largest : double.PositiveInfinity, size);
    }

    /// <summary>Newton–Raphson with ℓ at every step, halving the step while ℓ falls.</summary>
    private bool MaximiseSafeguarded(Span<double> beta, int free)
    {
        double logLik = Evaluate(beta);
        Span<double> previous = stackalloc double[_p];
        for (int iteration = 0; iteration < MaxIterations; iteration++)
        {
            if (!NewtonStep(free)) return false;
            var (largest, size) = StepSize(beta, free);
            if (largest <= StepTolerance * (1 + size)) return true;
            beta.CopyTo(previous);
            for (int q = 0; q < free; q++) beta[q] += _step[q];
            double next = Evaluate(beta);
            for (int halving = 1; halving <= 30 && !(next >= logLik - 1e-12 * Math.Abs(logLik)); halving++)
            {
                for (int q = 0; q < free; q++) beta[q] = previous[q] + _step[q] / (1 << halving);
                next = Evaluate(beta);
            }
            if (!double.IsFinite(next)) return false;
            logLik = next;
        }
        return false;
    }

    /// <summary>The Newton step I_ff⁻¹ U_f of the free coefficients into the step buffer; false when I_ff is singular.</summary>
    private bool NewtonStep(int free)
    {
        for (int q = 0; q < free; q++)
        {
            _step[q] = Score[q];
            for (int r = 0; r < free; r++) _factor[q * free + r] = Information[q * _p + r];
        }
        if (CoxMatrixAlgebra.Decompose(_factor, free, 1e-12) < free) return false;
        CoxMatrixAlgebra.Solve(_factor, free, _step.AsSpan(0, free));
        return true;
    }

    /// <summary>UᵀI⁻¹U at the last evaluation (R's score test at that β); NaN when I is singular.</summary>
    public double ScoreStatistic()
    {
        Array.Copy(Information, _factor, _p * _p);
        if (CoxMatrixAlgebra.Decompose(_factor, _p, 1e-12) < _p) return double.NaN;
        Score.CopyTo(_step, 0);
        CoxMatrixAlgebra.Solve(_factor, _p, _step);
        double statistic = 0;
        for (int q = 0; q < _p; q++) statistic += Score[q] * _step[q];
        return statistic;
    }
}

/// <summary>
/// The event times of a set of patients, per stratum ("positions", stratum by stratum, ascending time within
/// one), and each patient's entry position: the last event time of its stratum at or before its own time, or −1
/// when it is at risk at none. Built from the patients in (stratum, time, events first) order, with times already
/// merged as R's <c>timefix</c> merges them.
/// </summary>
internal sealed class RiskPositions
{
    private RiskPositions(int count, bool[] lastOfStratum)
    {
        Count = count;
        LastOfStratum = lastOfStratum;
    }

    public int Count { get; }
    /// <summary>Per position: the latest event time of its stratum (the backward sweep starts the stratum's risk set there).</summary>
    public bool[] LastOfStratum { get; }

    /// <summary>
    /// Lays out the patients of <paramref name="order"/> and writes each one's entry position into
    /// <paramref name="positionOfRow"/> (indexed by row; rows not in the order are left untouched).
    /// </summary>
    public static RiskPositions Build(ReadOnlySpan<int> order, double[] timeByRow, bool[] died, int[]? strata, int[] positionOfRow)
    {
        var last = new List<bool>();
        int current = -1, stratum = int.MinValue;
        double currentTime = double.NaN;
        bool stratumHasPosition = false;
        foreach (int row in order)
        {
            int s = strata?[row] ?? 0;
            if (s != stratum)
            {
                if (stratumHasPosition) last[^1] = true;
                stratum = s;
                stratumHasPosition = false;
                currentTime = double.NaN;
            }
            double t = timeByRow[row];
            if (died[row] && t != currentTime)
            {
                last.Add(false);
                current = last.Count - 1;
                currentTime = t;
                stratumHasPosition = true;
            }
            positionOfRow[row] = stratumHasPosition ? current : -1;
        }
        if (stratumHasPosition) last[^1] = true;
        return new RiskPositions(last.Count, last.ToArray());
    }
}
