using System.Globalization;
using System.Numerics;

namespace Stratify.Clustering;

/// <summary>A k-means clustering.</summary>
/// <param name="Centers">k × p centers, row-major.</param>
/// <param name="Assignment">Cluster of each row (its nearest center).</param>
/// <param name="Objective">Within-cluster sum of squares Σ_i ‖x_i − c(i)‖² (scikit-learn's inertia_).</param>
/// <param name="Iterations">Iterations of the winning start.</param>
/// <param name="BestRestart">Index of the winning start.</param>
internal sealed record KMeansResult(double[] Centers, int K, int Dimensions, int[] Assignment, double Objective, int Iterations, int BestRestart)
{
    public ReadOnlySpan<double> Center(int c) => new(Centers, c * Dimensions, Dimensions);
}

/// <summary>
/// k-means: minimise Σ_i ‖x_i − c(i)‖² (Lloyd 1982). Seeding: greedy k-means++ as scikit-learn (Arthur &amp; Vassilvitskii
/// 2007; 2 + ⌊ln k⌋ candidate draws per center, the one lowering the potential most kept). Iterations: Hamerly's
/// exact acceleration of Lloyd (Hamerly 2010, SIAM SDM "Making k-means even faster"): an upper bound on the distance to
/// the own center and one lower bound on the second-closest let most points skip the k distance computations; the
/// assignments equal Lloyd's. Convergence as scikit-learn: Σ_c ‖Δc‖² ≤ tol × mean_j var(x_j); then a last full
/// assignment against the final centers gives the labels and the objective. Empty clusters take the point farthest
/// from its center. Rows are processed in fixed blocks (parallel), and block sums are reduced in block order, so the
/// result does not depend on the number of threads.
/// <example><code>
/// var x = FeatureSet.FromCohort(gbsg, specs, MissingPolicy.CompleteCase).ToCoordinates(FeatureScaling.Standardise);
/// var fit = LloydKMeans.Fit(x, new KMeansOptions(K: 4, Restarts: 10, Seed: 1));
/// </code></example>
/// </summary>
internal static class LloydKMeans
{
    private const int BlockSize = 8192;

    public static KMeansResult Fit(CoordinateMatrix x, KMeansOptions options)
    {
        int n = x.Rows, p = x.Columns, k = options.K;
        if (k < 1 || k > n) throw new Data.StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"k must be between 1 and the number of patients ({n})"), value: k.ToString(CultureInfo.InvariantCulture));
        if (options.Restarts < 1) throw new Data.StratifyInputException("restarts must be at least 1", value: options.Restarts.ToString(CultureInfo.InvariantCulture));
        foreach (double v in x.Data)
            if (!double.IsFinite(v)) throw new Data.StratifyInputException("k-means needs finite coordinates (no missing values)");
        double tolerance = options.Tolerance * MeanVariance(x);
        KMeansResult? best = null;
        for (int r = 0; r < options.Restarts; r++)
        {
            var rng = new Random(unchecked(options.Seed * 1_000_003 + r));
            var centers = PlusPlus(x, k, rng, options.MaxDegreeOfParallelism);
            var fit = Iterate(x, centers, k, options.MaxIterations, tolerance, options.MaxDegreeOfParallelism) with { BestRestart = r };
            if (best is null || fit.Objective < best.Objective) best = fit;
        }
        return best!;
    }

    /// <summary>k-means iterations from given centers (k × p row-major), no restarts.</summary>
    public static KMeansResult FitFrom(CoordinateMatrix x, double[] initialCenters, int maxIterations = 300, double tolerance = 1e-4, int maxDegreeOfParallelism = -1)
    {
        int k = initialCenters.Length / x.Columns;
        return Iterate(x, (double[])initialCenters.Clone(), k, maxIterations, tolerance * MeanVariance(x), maxDegreeOfParallelism);
    }

    internal static double MeanVariance(CoordinateMatrix x)
    {
        int n = x.Rows, p = x.Columns;
        var mean = new double[p];
        for (int i = 0; i < n; i++) for (int j = 0; j < p; j++) mean[j] += x.Data[i * p + j];
        for (int j = 0; j < p; j++) mean[j] /= n;
        double total = 0;
        for (int i = 0; i < n; i++) for (int j = 0; j < p; j++) { double t = x.Data[i * p + j] - mean[j]; total += t * t; }
        return total / n / p; // numpy var (ddof = 0), averaged over features
    }

    internal static double SquaredDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int p = a.Length, j = 0, w = Vector<double>.Count;
        var acc = Vector<double>.Zero;
        for (; j <= p - w; j += w)
        {
            var t = new Vector<double>(a[j..]) - new Vector<double>(b[j..]);
            acc += t * t;
        }
        double s = Vector.Sum(acc);
        for (; j < p; j++) { double t = a[j] - b[j]; s += t * t; }
        return s;
    }

    /// <summary>Greedy k-means++ (scikit-learn's _kmeans_plusplus).</summary>
    internal static double[] PlusPlus(CoordinateMatrix x, int k, Random rng, int parallelism)
    {
        int n = x.Rows, p = x.Columns;
        int trials = 2 + (int)Math.Log(k);
        var centers = new double[k * p];
        int first = rng.Next(n);
        x.Row(first).CopyTo(centers.AsSpan(0, p));
        var closest = new double[n];
        ForBlocks(n, parallelism, (lo, hi) => { for (int i = lo; i < hi; i++) closest[i] = SquaredDistance(x.Row(i), x.Row(first)); });
        double potential = BlockSum(closest, parallelism);
        var candidateDistances = new double[trials][];
        for (int t = 0; t < trials; t++) candidateDistances[t] = new double[n];
        var candidates = new int[trials];
        var potentials = new double[trials];
        for (int c = 1; c < k; c++)
        {
            for (int t = 0; t < trials; t++) candidates[t] = SearchCumulative(closest, rng.NextDouble() * potential);
            ForBlocks(n, parallelism, (lo, hi) =>
            {
                for (int t = 0; t < trials; t++)
                {
                    var candidate = x.Row(candidates[t]);
                    var target = candidateDistances[t];
                    for (int i = lo; i < hi; i++) target[i] = Math.Min(closest[i], SquaredDistance(x.Row(i), candidate));
                }
            });
            int bestTrial = 0;
            for (int t = 0; t < trials; t++)
            {
                potentials[t] = BlockSum(candidateDistances[t], parallelism);
                if (potentials[t] < potentials[bestTrial]) bestTrial = t;
            }
            potential = potentials[bestTrial];
            Array.Copy(candidateDistances[bestTrial], closest, n);
            x.Row(candidates[bestTrial]).CopyTo(centers.AsSpan(c * p, p));
        }
        return centers;
    }

    /// <summary>First index whose cumulative weight reaches <paramref name="target"/> (numpy searchsorted on the cumsum).</summary>
    private static int SearchCumulative(double[] weights, double target)
    {
        double acc = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            acc += weights[i];
            if (acc > target) return i;
        }
        return weights.Length - 1;
    }

    private static KMeansResult Iterate(CoordinateMatrix x, double[] centers, int k, int maxIterations, double tolerance, int parallelism)
    {
        int n = x.Rows, p = x.Columns;
        var assignment = new int[n];
        var upper = new double[n];
        var lower = new double[n];
        int blocks = (n + BlockSize - 1) / BlockSize;
        var blockSums = new double[blocks][];
        var blockCounts = new long[blocks][];
        for (int b = 0; b < blocks; b++) { blockSums[b] = new double[k * p]; blockCounts[b] = new long[k]; }

        // Initial full assignment with both bounds.
        ForBlocks(n, parallelism, (lo, hi) => { for (int i = lo; i < hi; i++) FullAssign(x.Row(i), centers, k, p, out assignment[i], out upper[i], out lower[i]); });
        var halfNearest = new double[k];
        var shift = new double[k];
        var newCenters = new double[k * p];
        int iteration = 0;
        while (iteration < maxIterations)
        {
            iteration++;
            // M-step: block sums, reduced in block order.
            Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, b =>
            {
                var sums = blockSums[b];
                var counts = blockCounts[b];
                Array.Clear(sums);
                Array.Clear(counts);
                int lo = b * BlockSize, hi = Math.Min(n, lo + BlockSize);
                for (int i = lo; i < hi; i++)
                {
                    int c = assignment[i];
                    counts[c]++;
                    var row = x.Row(i);
                    var sum = sums.AsSpan(c * p, p);
                    for (int j = 0; j < p; j++) sum[j] += row[j];
                }
            });
            Array.Clear(newCenters);
            var totalCounts = new long[k];
            for (int b = 0; b < blocks; b++)
            {
                for (int t = 0; t < k * p; t++) newCenters[t] += blockSums[b][t];
                for (int c = 0; c < k; c++) totalCounts[c] += blockCounts[b][c];
            }
            for (int c = 0; c < k; c++)
            {
                if (totalCounts[c] == 0)
                {
                    RelocateEmpty(x, centers, assignment, newCenters, c, p);
                    continue;
                }
                for (int j = 0; j < p; j++) newCenters[c * p + j] /= totalCounts[c];
            }
            double shiftTotal = 0, maxShift = 0, secondShift = 0;
            int maxShiftCluster = 0;
            for (int c = 0; c < k; c++)
            {
                double s2 = SquaredDistance(centers.AsSpan(c * p, p), newCenters.AsSpan(c * p, p));
                shiftTotal += s2;
                shift[c] = Math.Sqrt(s2);
                if (shift[c] > maxShift) { secondShift = maxShift; maxShift = shift[c]; maxShiftCluster = c; }
                else if (shift[c] > secondShift) secondShift = shift[c];
            }
            Array.Copy(newCenters, centers, k * p);

            // Hamerly bounds after the move, then the E-step with pruning (exact: equals a full Lloyd assignment).
            for (int c = 0; c < k; c++)
            {
                double m = double.PositiveInfinity;
                for (int c2 = 0; c2 < k; c2++)
                    if (c2 != c) m = Math.Min(m, SquaredDistance(centers.AsSpan(c * p, p), centers.AsSpan(c2 * p, p)));
                halfNearest[c] = 0.5 * Math.Sqrt(m);
            }
            ForBlocks(n, parallelism, (lo, hi) =>
            {
                for (int i = lo; i < hi; i++)
                {
                    int a = assignment[i];
                    upper[i] += shift[a];
                    lower[i] -= a == maxShiftCluster ? secondShift : maxShift;
                    double bound = Math.Max(halfNearest[a], lower[i]);
                    if (upper[i] <= bound) continue;
                    upper[i] = Math.Sqrt(SquaredDistance(x.Row(i), centers.AsSpan(a * p, p)));
                    if (upper[i] <= bound) continue;
                    FullAssign(x.Row(i), centers, k, p, out assignment[i], out upper[i], out lower[i]);
                }
            });
            // Converged: the E-step just run gave the labels for the final centers (scikit-learn's last E-step).
            if (shiftTotal <= tolerance) break;
        }
        var nearest = new double[n];
        ForBlocks(n, parallelism, (lo, hi) =>
        {
            for (int i = lo; i < hi; i++) nearest[i] = SquaredDistance(x.Row(i), centers.AsSpan(assignment[i] * p, p));
        });
        return new KMeansResult(centers, k, p, assignment, BlockSum(nearest, parallelism), iteration, 0);
    }

    private static void FullAssign(ReadOnlySpan<double> row, double[] centers, int k, int p, out int cluster, out double upper, out double lower)
    {
        double best = double.PositiveInfinity, second = double.PositiveInfinity;
        cluster = 0;
        for (int c = 0; c < k; c++)
        {
            double d = SquaredDistance(row, centers.AsSpan(c * p, p));
            if (d < best) { second = best; best = d; cluster = c; }
            else if (d < second) second = d;
        }
        upper = Math.Sqrt(best);
        lower = Math.Sqrt(second);
    }

    /// <summary>An empty cluster takes the point farthest from its current center (as scikit-learn relocates).</summary>
    private static void RelocateEmpty(CoordinateMatrix x, double[] centers, int[] assignment, double[] newCenters, int c, int p)
    {
        int far = 0;
        double farthest = -1;
        for (int i = 0; i < x.Rows; i++)
        {
            double d = SquaredDistance(x.Row(i), centers.AsSpan(assignment[i] * p, p));
            if (d > farthest) { farthest = d; far = i; }
        }
        x.Row(far).CopyTo(newCenters.AsSpan(c * p, p));
    }

    /// <summary>Runs <paramref name="body"/> over fixed row blocks in parallel.</summary>
    internal static void ForBlocks(int n, int parallelism, Action<int, int> body)
    {
        int blocks = (n + BlockSize - 1) / BlockSize;
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = parallelism },
            b => body(b * BlockSize, Math.Min(n, (b + 1) * BlockSize)));
    }

    /// <summary>Sum over fixed blocks, reduced in block order (deterministic for any thread count).</summary>
    internal static double BlockSum(double[] values, int parallelism)
    {
        int n = values.Length;
        int blocks = (n + BlockSize - 1) / BlockSize;
        var partial = new double[blocks];
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, b =>
        {
            double s = 0;
            int lo = b * BlockSize, hi = Math.Min(n, lo + BlockSize);
            for (int i = lo; i < hi; i++) s += values[i];
            partial[b] = s;
        });
        double total = 0;
        foreach (double s in partial) total += s;
        return total;
    }
}
