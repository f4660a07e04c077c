using System.Runtime.CompilerServices;

namespace Stratify.Survival;

/// <summary>
/// The data of a Fine–Gray fit arranged once for every later pass (see <see cref="FineGrayRegression"/> for the
/// model): rows sorted by time (one stable counting or radix sort), R's timefix applied, each row's status
/// (0 censored, 1 the cause of interest, 2 a competing cause), the design copied in that order and centred on its
/// column means, the tie groups (rows sharing a time), and the censoring Kaplan–Meier Ĝ(t−) just before each group
/// time with the number at risk of censoring there. A competing row keeps its place in the risk set after its event
/// with weight Ĝ(t−)/Ĝ(T−); nothing is expanded: the weighted sums are running sums over the sorted rows.
/// </summary>
internal sealed class FineGrayRiskSets
{
    public required int N { get; init; }
    public required int P { get; init; }
    /// <summary>Sorted position → input row.</summary>
    public required int[] Order { get; init; }
    /// <summary>Sorted times (after timefix).</summary>
    public required double[] Time { get; init; }
    /// <summary>Sorted status: 0 censored, 1 cause of interest, 2 competing.</summary>
    public required byte[] Status { get; init; }
    /// <summary>Sorted, centred design, row-major N×P.</summary>
    public required double[] X { get; init; }
    public required double[] Means { get; init; }
    /// <summary>Tie group g covers sorted rows [GroupStart[g], GroupStart[g+1]).</summary>
    public required int[] GroupStart { get; init; }
    /// <summary>Events of the cause of interest per tie group.</summary>
    public required int[] GroupFailures { get; init; }
    public required int[] GroupCensored { get; init; }
    /// <summary>Ĝ(t−) per tie group: the censoring Kaplan–Meier just before the group's time.</summary>
    public required double[] CensoringBefore { get; init; }
    /// <summary>Number at risk of censoring at the group's time (the denominator of Ĝ's step there).</summary>
    public required int[] CensoringAtRisk { get; init; }
    /// <summary>The tie groups with events of the cause of interest, ascending.</summary>
    public required int[] FailureGroups { get; init; }
    public int GroupCount => GroupFailures.Length;
    public int EventCount { get; init; }
    public int CompetingCount { get; init; }
    public int CensoredCount { get; init; }

    public static FineGrayRiskSets Build(double[] time, byte[] cause, int causeOfInterest, DesignMatrix design, FineGrayCensoringTies ties)
    {
        int n = time.Length, p = design.Columns;
        var order = SurvivalOrder.ByTime(time, null);
        var sortedTime = new double[n];
        var status = new byte[n];
        for (int k = 0; k < n; k++)
        {
            int row = order[k];
            sortedTime[k] = time[row];
            int c = cause[row];
            status[k] = (byte)(c == 0 ? 0 : c == causeOfInterest ? 1 : 2);
        }
        TimeFix.MergeNearTies(sortedTime);

        var means = new double[p];
        var source = design.Values;
        for (int i = 0; i < n; i++) CoxMatrixAlgebra.AddScaled(means, 1, source.AsSpan(i * p, p));
        for (int j = 0; j < p; j++) means[j] /= n;
        var x = GC.AllocateUninitializedArray<double>(n * p);
        var one = new double[p];
        Array.Fill(one, 1.0);
        const int block = 32_768;
        Parallel.For(0, (n + block - 1) / block, b =>
        {
            for (int k = b * block; k < Math.Min(n, (b + 1) * block); k++)
                CoxMatrixAlgebra.CentreAndScale(x.AsSpan(k * p, p), source.AsSpan(order[k] * p, p), means, one);
        });

        var groupStart = new List<int>();
        var failures = new List<int>();
        var censored = new List<int>();
        var departures = new List<int>();
        int events = 0, competing = 0, censoredRows = 0;
        for (int k = 0; k < n; k++)
        {
            if (k == 0 || sortedTime[k] != sortedTime[k - 1])
            {
                groupStart.Add(k);
                failures.Add(0);
                censored.Add(0);
                departures.Add(0);
            }
            switch (status[k])
            {
                case 0: censored[^1]++; censoredRows++; break;
                case 1: failures[^1]++; departures[^1]++; events++; break;
                default: departures[^1]++; competing++; break;
            }
        }
        groupStart.Add(n);
        int groups = failures.Count;
        var before = new double[groups];
        var atRiskOfCensoring = new int[groups];
        double g = 1;
        for (int t = 0; t < groups; t++)
        {
            // crr: survfit(Surv(time, censored)): failures at a censoring time are still at risk of it.
            // finegray: event times are moved 0.2 ranks earlier, so they leave before the censorings at that time.
            int atRisk = n - groupStart[t] - (ties == FineGrayCensoringTies.FailuresFirst ? departures[t] : 0);
            before[t] = g;
            atRiskOfCensoring[t] = atRisk;
            if (censored[t] > 0) g *= 1 - (double)censored[t] / atRisk;
        }
        var failureGroups = new List<int>();
        for (int t = 0; t < groups; t++) if (failures[t] > 0) failureGroups.Add(t);

        return new FineGrayRiskSets
        {
            N = n,
            P = p,
            Order = order,
            Time = sortedTime,
            Status = status,
            X = x,
            Means = means,
            GroupStart = groupStart.ToArray(),
            GroupFailures = failures.ToArray(),
            GroupCensored = censored.ToArray(),
            CensoringBefore = before,
            CensoringAtRisk = atRiskOfCensoring,
            FailureGroups = failureGroups.ToArray(),
            EventCount = events,
            CompetingCount = competing,
            CensoredCount = censoredRows,
        };
    }
}

/// <summary>
/// The log pseudo-partial likelihood of the Fine–Gray model, its score and information at one β, by running sums
/// (formulas in <see cref="FineGrayRegression"/>): a backward pass gives the sums over rows still in follow-up
/// (time ≥ t), a forward pass adds the weighted competing rows (event before t) and the per-failure-time means,
/// and the information is a weighted Gram matrix Σ wᵢ xᵢxᵢᵀ (wᵢ the hazard a row is exposed to) minus Σ d x̄ x̄ᵀ,
/// computed in parallel over fixed blocks of rows and summed in block order (reproducible on any core count).
/// </summary>
internal sealed class FineGrayLikelihood
{
    private const int Block = 32_768;
    private readonly FineGrayRiskSets _data;
    private readonly int _p;
    private readonly double[] _blockGram;
    private readonly double[] _rowWeight;

    public FineGrayLikelihood(FineGrayRiskSets data)
    {
        _data = data;
        _p = data.P;
        int failures = data.FailureGroups.Length;
        Eta = new double[data.N];
        Risk = new double[data.N];
        _rowWeight = new double[data.N];
        Denominator = new double[failures];
        Mean = new double[failures * _p];
        CumulativeHazard = new double[data.GroupCount];
        CumulativeWeightedHazard = new double[data.GroupCount];
        Score = new double[_p];
        Information = new double[_p * _p];
        _blockGram = new double[BlockCount * _p * _p];
    }

    private int BlockCount => (_data.N + Block - 1) / Block;

    public double[] Eta { get; }
    public double[] Risk { get; }
    /// <summary>S0 at each failure group (index into <see cref="FineGrayRiskSets.FailureGroups"/>).</summary>
    public double[] Denominator { get; }
    /// <summary>x̄ = S1/S0 at each failure group, row-major F×P.</summary>
    public double[] Mean { get; }
    /// <summary>Per tie group: H(t) = Σ_{failure times u ≤ t} d_u/S0(u).</summary>
    public double[] CumulativeHazard { get; }
    /// <summary>Per tie group: K(t) = Σ_{failure times u ≤ t} d_u Ĝ(u−)/S0(u).</summary>
    public double[] CumulativeWeightedHazard { get; }
    public double TotalWeightedHazard { get; private set; }
    public double[] Score { get; }
    /// <summary>Full symmetric P×P information matrix, row-major.</summary>
    public double[] Information { get; }

    /// <summary>Evaluates ℓ, U and I at <paramref name="beta"/> (centred design); returns ℓ.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Evaluate(double[] beta)
    {
        var d = _data;
        int p = _p, n = d.N;
        var x = d.X;
        Parallel.For(0, BlockCount, b =>
        {
            for (int i = b * Block; i < Math.Min(n, (b + 1) * Block); i++)
            {
                double eta = CoxMatrixAlgebra.Dot(x.AsSpan(i * p, p), beta);
                Eta[i] = eta;
                Risk[i] = Math.Exp(eta);
            }
        });

        // Backward: S0, S1 over rows with time >= t, kept at each failure group.
        var failureGroups = d.FailureGroups;
        double atRisk = 0;
        var atRiskX = new double[p];
        int f = failureGroups.Length - 1;
        for (int g = d.GroupCount - 1; g >= 0 && f >= 0; g--)
        {
            for (int i = d.GroupStart[g]; i < d.GroupStart[g + 1]; i++)
            {
                atRisk += Risk[i];
                CoxMatrixAlgebra.AddScaled(atRiskX, Risk[i], x.AsSpan(i * p, p));
            }
            if (failureGroups[f] != g) continue;
            Denominator[f] = atRisk;
            atRiskX.CopyTo(Mean.AsSpan(f * p, p));
            f--;
        }

        // Forward: add the competing rows that left before t, weighted Ĝ(t−)/Ĝ(T−); means, ℓ, U, Σ d x̄x̄ᵀ, H and K.
        double logLik = 0, competing = 0, hazard = 0, weightedHazard = 0;
        var competingX = new double[p];
        Array.Clear(Score);
        var products = new double[p * p];
        f = 0;
        for (int g = 0; g < d.GroupCount; g++)
        {
            int failures = d.GroupFailures[g];
            if (failures > 0)
            {
                double gBefore = d.CensoringBefore[g];
                double s0 = Denominator[f] + gBefore * competing;
                var mean = Mean.AsSpan(f * p, p);
                CoxMatrixAlgebra.AddScaled(mean, gBefore, competingX);
                for (int j = 0; j < p; j++) mean[j] /= s0;
                Denominator[f] = s0;
                logLik -= failures * Math.Log(s0);
                CoxMatrixAlgebra.AddScaled(Score, -failures, mean);
                CoxMatrixAlgebra.AddOuterLower(products, mean, failures);
                hazard += failures / s0;
                weightedHazard += failures * gBefore / s0;
                f++;
            }
            CumulativeHazard[g] = hazard;
            CumulativeWeightedHazard[g] = weightedHazard;
            for (int i = d.GroupStart[g]; i < d.GroupStart[g + 1]; i++)
            {
                if (d.Status[i] == 1)
                {
                    logLik += Eta[i];
                    CoxMatrixAlgebra.AddScaled(Score, 1, x.AsSpan(i * p, p));
                }
                else if (d.Status[i] == 2)
                {
                    double w = Risk[i] / d.CensoringBefore[g];
                    competing += w;
                    CoxMatrixAlgebra.AddScaled(competingX, w, x.AsSpan(i * p, p));
                }
            }
        }
        TotalWeightedHazard = weightedHazard;

        // Information: Σ_i w_i x_i x_iᵀ with w_i = r_i H(T_i) (+ r_i/Ĝ(T_i−) (K(∞) − K(T_i)) for a competing row), minus Σ d x̄ x̄ᵀ.
        Parallel.For(0, BlockCount, b =>
        {
            int from = b * Block, to = Math.Min(n, from + Block);
            int g = GroupOf(from);
            for (int i = from; i < to; i++)
            {
                while (i >= d.GroupStart[g + 1]) g++;
                double w = Risk[i] * CumulativeHazard[g];
                if (d.Status[i] == 2) w += Risk[i] / d.CensoringBefore[g] * (weightedHazard - CumulativeWeightedHazard[g]);
                _rowWeight[i] = w;
            }
            var gram = _blockGram.AsSpan(b * p * p, p * p);
            gram.Clear();
            CoxMatrixAlgebra.AddWeightedGramLower(gram, x.AsSpan(from * p, (to - from) * p), _rowWeight.AsSpan(from, to - from), p);
        });
        Array.Clear(Information);
        for (int b = 0; b < BlockCount; b++) CoxMatrixAlgebra.AddScaled(Information, 1, _blockGram.AsSpan(b * p * p, p * p));
        CoxMatrixAlgebra.AddScaled(Information, -1, products);
        CoxMatrixAlgebra.Symmetrise(Information, p);
        return logLik;
    }

    /// <summary>The tie group holding sorted row <paramref name="row"/>.</summary>
    public int GroupOf(int row)
    {
        int lo = 0, hi = _data.GroupCount - 1;
        var start = _data.GroupStart;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >>> 1;
            if (start[mid] <= row) lo = mid; else hi = mid - 1;
        }
        return lo;
    }
}
