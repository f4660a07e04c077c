using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Stratify.Benchmarks.Cox")]
[assembly: InternalsVisibleTo("Stratify.Tests")]

namespace Stratify.Survival;

/// <summary>
/// The data of a Cox fit arranged once for every later pass: times made equal where they differ only by
/// floating-point noise (R's timefix, <see cref="TimeFix"/>), rows sorted by (stratum, time), the design matrix copied
/// in that order, centred on the column means and scaled by the mean absolute deviation (as R's <c>coxfit6</c>:
/// columns whose values all lie in {−1, 0, 1} are left as they are), and cut into tie groups (rows of one stratum
/// sharing a time) and chunks of whole tie groups for parallel passes. Chunking depends only on the data, never on
/// the number of cores, so results are bit-for-bit reproducible. With case weights (R's <c>coxfit6</c>) the centres
/// are weighted means Σwx/Σw and the scales Σw/Σw|x − mean|, the weights are kept in sorted order and each tie
/// group also carries the summed weight of its deaths.
/// </summary>
internal sealed class CoxRiskSets
{
    /// <summary>Target rows per chunk; below two chunks' worth everything runs on one thread.</summary>
    internal const int ChunkRows = 32_768;

    private CoxRiskSets(int n, int p)
    {
        N = n;
        P = p;
    }

    public int N { get; }
    public int P { get; }
    /// <summary>Sorted, centred, scaled design, row-major N×P.</summary>
    public double[] X { get; private init; } = [];
    /// <summary>Sorted times after R's timefix (<see cref="TimeFix"/>): near-equal times are equal here.</summary>
    public double[] Time { get; private init; } = [];
    /// <summary>The same times by original row (the caller's array when timefix changed nothing).</summary>
    public double[] TimeByRow { get; private init; } = [];
    public bool[] Event { get; private init; } = [];
    /// <summary>Sorted position → original row.</summary>
    public int[] Order { get; private init; } = [];
    /// <summary>Tie group g covers sorted rows [GroupStart[g], GroupStart[g+1]).</summary>
    public int[] GroupStart { get; private init; } = [];
    public int[] GroupStratum { get; private init; } = [];
    public int[] GroupDeaths { get; private init; } = [];
    /// <summary>Case weights in sorted order; null when the fit is unweighted.</summary>
    public double[]? Weight { get; private init; }
    /// <summary>Per tie group, the summed case weight of its deaths (R's <c>deadwt</c>); null when unweighted.</summary>
    public double[]? GroupDeathWeight { get; private init; }
    /// <summary>Chunk c covers tie groups [ChunkGroupStart[c], ChunkGroupStart[c+1]).</summary>
    public int[] ChunkGroupStart { get; private init; } = [];
    /// <summary>The centre of each column (0 for columns left uncentred), on the original scale.</summary>
    public double[] Means { get; private init; } = [];
    /// <summary>Each column was multiplied by Scale[j] after centring.</summary>
    public double[] Scale { get; private init; } = [];
    /// <summary>Stratum label (as given) of each stratum index.</summary>
    public int[] StratumLabels { get; private init; } = [];
    public int GroupCount => GroupStratum.Length;
    public int ChunkCount => ChunkGroupStart.Length - 1;
    public int EventCount { get; private init; }

    public static CoxRiskSets Build(double[] time, bool[] died, DesignMatrix design, int[]? strata, int chunkRows = ChunkRows,
        double[]? weights = null)
    {
        int n = time.Length, p = design.Columns;
        // The time order (sort, timefix, strata) and the column statistics (means, mean absolute deviations) are
        // independent: computed side by side, each in its own fixed order, so the numbers do not depend on it.
        int[] order = [], stratumIndex = [], labels = [0];
        double[] sortedTime = [], timeByRow = time;
        var source = design.Values;
        var means = new double[p];
        var scale = new double[p];
        Parallel.Invoke(
            () =>
            {
                order = CoxRadixSort.Order(time);
                // R's timefix (aeqSurv) on all rows together, in the global time order, before the strata split it.
                // Merging keeps the order (each time moves down to the first time of its run), so the sort stands.
                sortedTime = new double[n];
                for (int k = 0; k < n; k++) sortedTime[k] = time[order[k]];
                timeByRow = TimeFix.MergeNearTies(sortedTime, order, time);
                // Stable counting sort by stratum keeps the time order within each stratum.
                stratumIndex = new int[n];
                if (strata is not null)
                {
                    stratumIndex = IndexStrata(strata, out labels);
                    order = SurvivalOrder.StableGroup(order, stratumIndex, labels.Length);
                    for (int k = 0; k < n; k++) sortedTime[k] = timeByRow[order[k]];
                }
            },
            () => CentresAndScales(source, weights, n, p, means, scale));
        return Arrange(died, design, order, sortedTime, timeByRow, stratumIndex, labels, means, scale, chunkRows, weights);
    }

    private static void CentresAndScales(double[] source, double[]? weights, int n, int p, double[] means, double[] scale)
    {
        if (weights is null) ColumnCentresAndScales(source, n, p, means, scale);
        else WeightedColumnCentresAndScales(source, weights, n, p, means, scale);
    }

    /// <summary>
    /// The same arrangement from survival data that already hold the time order and R's timefix (shared with the
    /// Kaplan–Meier and log-rank estimates of the same patients): no sort by time and no second timefix; the strata
    /// of the data regroup the order with a stable counting sort.
    /// </summary>
    public static CoxRiskSets Build(SurvivalData data, DesignMatrix design, int chunkRows = ChunkRows)
    {
        var weights = data.Weights;
        int n = data.Count, p = design.Columns;
        var sorted = data.Sorted;
        int[] order = data.TimeOrder, stratumIndex = new int[n], labels = [0];
        double[] sortedTime = sorted.Time;
        var means = new double[p];
        var scale = new double[p];
        CentresAndScales(design.Values, weights, n, p, means, scale);
        if (data.Strata is not null)
        {
            stratumIndex = IndexStrata(data.Strata, out labels);
            order = SurvivalOrder.StableGroup(order, stratumIndex, labels.Length);
            sortedTime = new double[n];
            for (int k = 0; k < n; k++) sortedTime[k] = sorted.TimeByRow[order[k]];
        }
        return Arrange(data.Event, design, order, sortedTime, sorted.TimeByRow, stratumIndex, labels, means, scale, chunkRows, weights);
    }

    /// <summary>Copies the design in (stratum, time) order, centred and scaled, and cuts tie groups and chunks.</summary>
    private static CoxRiskSets Arrange(bool[] died, DesignMatrix design, int[] order, double[] sortedTime, double[] timeByRow,
        int[] stratumIndex, int[] labels, double[] means, double[] scale, int chunkRows, double[]? weights)
    {
        int n = order.Length, p = design.Columns;
        var source = design.Values;
        var x = GC.AllocateUninitializedArray<double>(n * p);
        var sortedEvent = new bool[n];
        var groupStart = new List<int>();
        var groupStratum = new List<int>();
        var groupDeaths = new List<int>();
        var sortedWeight = weights is null ? null : new double[n];
        var groupDeathWeight = weights is null ? null : new List<double>();
        int events = 0;
        for (int k = 0; k < n; k++)
        {
            int row = order[k];
            sortedEvent[k] = died[row];
            int s = stratumIndex[row];
            if (k == 0 || sortedTime[k] != sortedTime[k - 1] || s != groupStratum[^1])
            {
                groupStart.Add(k);
                groupStratum.Add(s);
                groupDeaths.Add(0);
                groupDeathWeight?.Add(0);
            }
            if (died[row]) { groupDeaths[^1]++; events++; }
            if (sortedWeight is not null)
            {
                sortedWeight[k] = weights![row];
                if (died[row]) groupDeathWeight![^1] += weights[row];
            }
        }
        groupStart.Add(n);

        int blocks = (n + ChunkRows - 1) / ChunkRows;
        Parallel.For(0, blocks, block =>
        {
            for (int k = block * ChunkRows; k < Math.Min(n, (block + 1) * ChunkRows); k++)
            {
                CoxMatrixAlgebra.CentreAndScale(x.AsSpan(k * p, p), source.AsSpan(order[k] * p, p), means, scale);
            }
        });

        var chunkStart = new List<int> { 0 };
        int rowsInChunk = 0;
        for (int g = 0; g < groupStratum.Count; g++)
        {
            rowsInChunk += groupStart[g + 1] - groupStart[g];
            if (rowsInChunk >= chunkRows && g + 1 < groupStratum.Count && n - groupStart[g + 1] >= chunkRows / 2)
            {
                chunkStart.Add(g + 1);
                rowsInChunk = 0;
            }
        }
        chunkStart.Add(groupStratum.Count);

        return new CoxRiskSets(n, p)
        {
            X = x,
            Time = sortedTime,
            TimeByRow = timeByRow,
            Event = sortedEvent,
            Order = order,
            GroupStart = groupStart.ToArray(),
            GroupStratum = groupStratum.ToArray(),
            GroupDeaths = groupDeaths.ToArray(),
            Weight = sortedWeight,
            GroupDeathWeight = groupDeathWeight?.ToArray(),
            ChunkGroupStart = chunkStart.ToArray(),
            Means = means,
            Scale = scale,
            StratumLabels = labels,
            EventCount = events,
        };
    }

    /// <summary>
    /// Column means and the scale factors n / Σ|x − mean| (R's coxph rescaling), accumulated row by row over the
    /// row-major design; a column holding only −1, 0 and 1 is neither centred nor scaled.
    /// </summary>
    private static void ColumnCentresAndScales(double[] source, int n, int p, double[] means, double[] scale)
    {
        // Column means and mean absolute deviations, accumulated row by row (the design is row-major).
        var notUnit = new double[p];  // > 0 once a value outside {−1, 0, 1} is seen
        for (int i = 0; i < n; i++)
        {
            var row = source.AsSpan(i * p, p);
            CoxMatrixAlgebra.AddScaled(means, 1, row);
            CoxMatrixAlgebra.AccumulateNonUnit(notUnit, row);
        }
        var unitValued = new bool[p];
        for (int j = 0; j < p; j++)
        {
            unitValued[j] = notUnit[j] == 0;
            means[j] = unitValued[j] ? 0 : means[j] / n;
        }
        for (int i = 0; i < n; i++) CoxMatrixAlgebra.AccumulateAbsoluteDeviation(scale, source.AsSpan(i * p, p), means);
        for (int j = 0; j < p; j++) scale[j] = unitValued[j] || scale[j] == 0 ? 1.0 : n / scale[j];
    }

    /// <summary>
    /// Weighted column centres Σwx/Σw and scale factors Σw/Σw|x − mean| (R's coxfit6 with case weights); a column
    /// holding only −1, 0 and 1 is neither centred nor scaled.
    /// </summary>
    private static void WeightedColumnCentresAndScales(double[] source, double[] weights, int n, int p, double[] means, double[] scale)
    {
        var notUnit = new double[p];
        double totalWeight = 0;
        for (int i = 0; i < n; i++)
        {
            var row = source.AsSpan(i * p, p);
            totalWeight += weights[i];
            CoxMatrixAlgebra.AddScaled(means, weights[i], row);
            CoxMatrixAlgebra.AccumulateNonUnit(notUnit, row);
        }
        var unitValued = new bool[p];
        for (int j = 0; j < p; j++)
        {
            unitValued[j] = notUnit[j] == 0;
            means[j] = unitValued[j] ? 0 : means[j] / totalWeight;
        }
        for (int i = 0; i < n; i++)
        {
            var row = source.AsSpan(i * p, p);
            for (int j = 0; j < p; j++) scale[j] += weights[i] * Math.Abs(row[j] - means[j]);
        }
        for (int j = 0; j < p; j++) scale[j] = unitValued[j] || scale[j] == 0 ? 1.0 : totalWeight / scale[j];
    }

    /// <summary>Stratum index 0..S−1 of each row, strata numbered in increasing label order.</summary>
    internal static int[] IndexStrata(int[] strata, out int[] labels)
    {
        labels = strata.Distinct().Order().ToArray();
        var indexOf = new Dictionary<int, int>(labels.Length);
        for (int s = 0; s < labels.Length; s++) indexOf[labels[s]] = s;
        var index = new int[strata.Length];
        for (int i = 0; i < strata.Length; i++) index[i] = indexOf[strata[i]];
        return index;
    }

    /// <summary>Runs <paramref name="body"/> for every chunk, in parallel when there is more than one.</summary>
    public void ForEachChunk(Action<int> body)
    {
        if (ChunkCount == 1) body(0);
        else Parallel.For(0, ChunkCount, body);
    }
}
