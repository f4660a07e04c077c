using System.Numerics;
using System.Runtime.CompilerServices;

namespace Stratify.Clustering;

/// <summary>
/// Gower's general dissimilarity for mixed data, computed exactly as R's <c>cluster::daisy(x, metric = "gower")</c>
/// (Gower 1971, Biometrics 27:857–871; Kaufman &amp; Rousseeuw 1990, ch. 1):
///
///   d(i,j) = Σ_f w_f δ_ij^f d_ij^f / Σ_f w_f δ_ij^f
///
/// where δ_ij^f = 0 when feature f is missing in i or j (the feature leaves that pair's weighted average), else 1;
/// numeric (daisy type "I") and ordinal features ("O", coded by level rank 1..L as R's data.matrix does)
/// d_ij^f = |x̃_i − x̃_j| with x̃ = (x − min_f) / (max_f − min_f) (range of the observed values, 1 if constant);
/// nominal features ("N") d_ij^f = 0 if equal, 1 otherwise. A pair with no feature in common is NaN (daisy's NA).
/// The sums run over features in order, as daisy's Fortran loop does, so results agree to rounding.
///
/// Output is the lower triangle in dist order (<see cref="DissimilarityMatrix"/>). Columns of the triangle are
/// computed in parallel; within a column the loop runs over the contiguous rows i+1..n−1 with SIMD vectors.
/// <example><code>
/// var d = GowerDissimilarity.Compute(FeatureSet.FromCohort(lung, specs));   // = daisy(lung[, cols], "gower")
/// </code></example>
/// </summary>
internal sealed class GowerDissimilarity
{
    private readonly double[][] scaled;
    private readonly bool[] nominal;
    private readonly double[] weights;
    private readonly bool[] incomplete;
    private readonly double[] minimum;
    private readonly double[] range;

    /// <summary>Prepares the range-scaled features (ranges over all rows of <paramref name="features"/>).</summary>
    public GowerDissimilarity(FeatureSet features) : this(features, null) { }

    /// <summary>
    /// Prepares the features scaled with the ranges of <paramref name="rangesOf"/> (the same features of the patients a
    /// clustering was fitted on), so that new patients are compared with its medoids as daisy compared the fitted ones;
    /// null = the ranges of <paramref name="features"/> itself.
    /// </summary>
    internal GowerDissimilarity(FeatureSet features, GowerDissimilarity? rangesOf)
    {
        int p = features.Features.Count;
        Count = features.RowCount;
        scaled = new double[p][];
        nominal = new bool[p];
        weights = new double[p];
        incomplete = new bool[p];
        minimum = new double[p];
        range = new double[p];
        for (int f = 0; f < p; f++)
        {
            var feature = features.Features[f];
            weights[f] = feature.Weight;
            nominal[f] = feature.Role == FeatureRole.Categorical;
            (minimum[f], range[f]) = rangesOf is null ? Range(feature.Values) : (rangesOf.minimum[f], rangesOf.range[f]);
            scaled[f] = Scaled(feature.Values, minimum[f], range[f]);
            incomplete[f] = feature.HasMissing;
        }
    }

    /// <summary>Number of rows (patients).</summary>
    public int Count { get; }

    /// <summary>The full dissimilarity matrix of a feature set (daisy's result).</summary>
    public static DissimilarityMatrix Compute(FeatureSet features, int maxDegreeOfParallelism = -1) =>
        new GowerDissimilarity(features).Matrix(maxDegreeOfParallelism);

    /// <summary>d(i, j) for one pair, by the same formula (used to assign patients to medoids without the full matrix).</summary>
    public double Pair(int i, int j) => Between(i, this, j);

    /// <summary>d(i, j) between row <paramref name="i"/> of this set and row <paramref name="j"/> of <paramref name="other"/>
    /// (the same features, scaled with the same ranges: see <see cref="GowerDissimilarity(FeatureSet, GowerDissimilarity)"/>).</summary>
    internal double Between(int i, GowerDissimilarity other, int j)
    {
        double numerator = 0, denominator = 0;
        for (int f = 0; f < scaled.Length; f++)
        {
            double a = scaled[f][i], b = other.scaled[f][j];
            if (double.IsNaN(a) || double.IsNaN(b)) continue;
            denominator += weights[f];
            if (nominal[f]) { if (a != b) numerator += weights[f]; }
            else numerator += weights[f] * Math.Abs(a - b);
        }
        return denominator == 0 ? double.NaN : numerator / denominator;
    }

    /// <summary>
    /// The silhouette's cluster sums for some objects against all objects: sums[o·k + c] = Σ_{j ≠ objects[o], assignment[j] = c}
    /// d(objects[o], j). Every d is formed as <see cref="Pair"/> forms it and every sum runs over j in increasing order,
    /// so the sums equal those of a loop over <see cref="Pair"/> bit for bit; but the objects share one pass over the
    /// data, one per SIMD lane (two vectors of lanes per pass, sharing each loaded value), over features stored
    /// contiguously in cluster order (a stable partition, which keeps j increasing within each cluster). Groups of
    /// lanes run in parallel; <paramref name="groupDone"/> is told the number of objects each finished group held.
    /// </summary>
    internal double[] ClusterSums(int[] objects, int[] assignment, int k, Action<int>? groupDone = null)
    {
        int n = Count, p = scaled.Length, width = Vector<double>.Count, lanesPerGroup = 2 * width;
        var start = new int[k + 1];
        foreach (int c in assignment) start[c + 1]++;
        for (int c = 0; c < k; c++) start[c + 1] += start[c];
        var next = start[..k];
        var order = new int[n];
        for (int j = 0; j < n; j++) order[next[assignment[j]]++] = j;
        var columns = new double[p][];
        for (int f = 0; f < p; f++)
        {
            var column = columns[f] = GC.AllocateUninitializedArray<double>(n);
            var source = scaled[f];
            for (int t = 0; t < n; t++) column[t] = source[order[t]];
        }
        var position = new double[n];
        for (int t = 0; t < n; t++) position[t] = order[t];
        bool anyIncomplete = Array.IndexOf(incomplete, true) >= 0;
        double constantWeight = 0;
        foreach (double w in weights) constantWeight += w;
        var sums = new double[(long)objects.Length * k];
        int groups = (objects.Length + lanesPerGroup - 1) / lanesPerGroup;
        Parallel.For(0, groups, g =>
        {
            int first = g * lanesPerGroup, lanes = Math.Min(lanesPerGroup, objects.Length - first);
            // Lane l holds objects[first + l]; spare lanes repeat the last object and are not stored.
            Vector<double> Lanes(int from, Func<int, double> value)
            {
                Span<double> lane = stackalloc double[width];
                for (int l = 0; l < width; l++) lane[l] = value(objects[first + Math.Min(from + l, lanes - 1)]);
                return new Vector<double>(lane);
            }
            var own = new Lane[p];
            bool laneMissing = false;
            for (int f = 0; f < p; f++)
            {
                var feature = scaled[f];
                own[f] = new Lane(Lanes(0, i => feature[i]), Lanes(width, i => feature[i]));
                laneMissing |= !Vector.EqualsAll(own[f].A, own[f].A) || !Vector.EqualsAll(own[f].B, own[f].B);
            }
            var self = new Lane(Lanes(0, i => i), Lanes(width, i => i));
            for (int c = 0; c < k; c++)
            {
                var sum = anyIncomplete || laneMissing
                    ? SumPairwise(columns, position, start[c], start[c + 1], own, self)
                    : SumComplete(columns, position, start[c], start[c + 1], own, self, constantWeight);
                for (int l = 0; l < lanes; l++) sums[(long)(first + l) * k + c] = l < width ? sum.A[l] : sum.B[l - width];
            }
            groupDone?.Invoke(lanes);
        });
        return sums;
    }

    /// <summary>Two vectors of lanes processed side by side.</summary>
    private readonly record struct Lane(Vector<double> A, Vector<double> B);

    /// <summary>Σ_t d(lane object, order[t]) over t in [from, to) when no value is missing: the weight sum is the constant
    /// Σ_f w_f (accumulated in feature order, as <see cref="Pair"/> accumulates it). A weight of 1 is not multiplied
    /// (1 · x = x exactly).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Lane SumComplete(double[][] columns, double[] position, int from, int to, Lane[] own, Lane self, double constantWeight)
    {
        Vector<double> sumA = Vector<double>.Zero, sumB = Vector<double>.Zero;
        var total = new Vector<double>(constantWeight);
        for (int t = from; t < to; t++)
        {
            Vector<double> numeratorA = Vector<double>.Zero, numeratorB = Vector<double>.Zero;
            for (int f = 0; f < columns.Length; f++)
            {
                var x = new Vector<double>(columns[f][t]);
                var w = new Vector<double>(weights[f]);
                if (nominal[f])
                {
                    numeratorA += Vector.ConditionalSelect(~Vector.Equals(own[f].A, x), w, Vector<double>.Zero);
                    numeratorB += Vector.ConditionalSelect(~Vector.Equals(own[f].B, x), w, Vector<double>.Zero);
                }
                else if (weights[f] == 1)
                {
                    numeratorA += Vector.Abs(own[f].A - x);
                    numeratorB += Vector.Abs(own[f].B - x);
                }
                else
                {
                    numeratorA += w * Vector.Abs(own[f].A - x);
                    numeratorB += w * Vector.Abs(own[f].B - x);
                }
            }
            var at = new Vector<double>(position[t]);
            sumA += Vector.ConditionalSelect(Vector.Equals(self.A, at), Vector<double>.Zero, numeratorA / total);
            sumB += Vector.ConditionalSelect(Vector.Equals(self.B, at), Vector<double>.Zero, numeratorB / total);
        }
        return new Lane(sumA, sumB);
    }

    /// <summary>As <see cref="SumComplete"/>, a feature entering a pair only when both values are present.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Lane SumPairwise(double[][] columns, double[] position, int from, int to, Lane[] own, Lane self)
    {
        Vector<double> sumA = Vector<double>.Zero, sumB = Vector<double>.Zero;
        for (int t = from; t < to; t++)
        {
            Vector<double> numeratorA = Vector<double>.Zero, numeratorB = Vector<double>.Zero;
            Vector<double> denominatorA = Vector<double>.Zero, denominatorB = Vector<double>.Zero;
            for (int f = 0; f < columns.Length; f++)
            {
                var x = new Vector<double>(columns[f][t]);
                var w = new Vector<double>(weights[f]);
                var xPresent = Vector.Equals(x, x);
                var presentA = Vector.Equals(own[f].A, own[f].A) & xPresent;
                var presentB = Vector.Equals(own[f].B, own[f].B) & xPresent;
                var termA = nominal[f] ? Vector.ConditionalSelect(~Vector.Equals(own[f].A, x), w, Vector<double>.Zero) : w * Vector.Abs(own[f].A - x);
                var termB = nominal[f] ? Vector.ConditionalSelect(~Vector.Equals(own[f].B, x), w, Vector<double>.Zero) : w * Vector.Abs(own[f].B - x);
                numeratorA += Vector.ConditionalSelect(presentA, termA, Vector<double>.Zero);
                numeratorB += Vector.ConditionalSelect(presentB, termB, Vector<double>.Zero);
                denominatorA += Vector.ConditionalSelect(presentA, w, Vector<double>.Zero);
                denominatorB += Vector.ConditionalSelect(presentB, w, Vector<double>.Zero);
            }
            // 0 / 0 is NaN: a pair without a common feature, as Pair returns.
            var at = new Vector<double>(position[t]);
            sumA += Vector.ConditionalSelect(Vector.Equals(self.A, at), Vector<double>.Zero, numeratorA / denominatorA);
            sumB += Vector.ConditionalSelect(Vector.Equals(self.B, at), Vector<double>.Zero, numeratorB / denominatorB);
        }
        return new Lane(sumA, sumB);
    }

    /// <summary>The dissimilarities among a subset of rows (ranges stay those of the whole set).</summary>
    public DissimilarityMatrix Subset(ReadOnlySpan<int> rows)
    {
        int m = rows.Length;
        var packed = new double[(long)m * (m - 1) / 2];
        long k = 0;
        for (int a = 0; a < m; a++)
            for (int b = a + 1; b < m; b++)
                packed[k++] = Pair(rows[a], rows[b]);
        return new DissimilarityMatrix(m, packed);
    }

    /// <summary>
    /// All n(n−1)/2 dissimilarities: the fixed column blocks of <see cref="DissimilarityMatrix.ObjectTotals"/> in parallel,
    /// each column summed into its block's totals while it is still in cache (the matrix then knows its totals, and
    /// whether it holds a NaN, without another pass over its 400 MB at n = 10,000).
    /// </summary>
    public DissimilarityMatrix Matrix(int maxDegreeOfParallelism = -1)
    {
        int n = Count;
        // Every entry is written by exactly one column, so the array need not be zeroed first.
        var packed = GC.AllocateUninitializedArray<double>(checked((int)((long)n * (n - 1) / 2)));
        var layout = new DissimilarityMatrix(n, packed, hasMissing: false);
        var bounds = layout.ColumnBlocks(DissimilarityMatrix.FixedBlocks);
        var partial = new double[bounds.Length - 1][];
        bool missing = false;
        Parallel.For(0, partial.Length, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, b =>
        {
            var totals = new double[n];
            var denominator = new double[n];
            for (int i = bounds[b]; i < bounds[b + 1]; i++)
            {
                var column = packed.AsSpan((int)layout.ColumnStart(i), n - i - 1);
                if (FillColumn(i, n, column, denominator.AsSpan(0, n - i - 1))) missing = true;
                DissimilarityMatrix.AddColumnToTotals(i, column, totals);
            }
            partial[b] = totals;
        });
        return new DissimilarityMatrix(n, packed, missing, DissimilarityMatrix.SumBlocks(partial));
    }

    /// <summary>The minimum and range of the observed values (a range of 1 when the column is constant, as daisy).</summary>
    public static (double Minimum, double Range) Range(double[] values)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double v in values)
        {
            if (double.IsNaN(v)) continue;
            if (v < min) min = v;
            if (v > max) max = v;
        }
        double range = max - min;
        return (min, range > 0 ? range : 1);
    }

    /// <summary>(x − min) / range.</summary>
    private static double[] Scaled(double[] values, double min, double range)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = (values[i] - min) / range;
        return result;
    }

    /// <summary>
    /// d(a, b) between two patients given by their range-scaled feature values (NaN = missing), by the formula of
    /// <see cref="Pair"/>: used to place a new patient with a medoid.
    /// </summary>
    public static double Between(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> weights, ReadOnlySpan<bool> nominal)
    {
        double numerator = 0, denominator = 0;
        for (int f = 0; f < a.Length; f++)
        {
            if (double.IsNaN(a[f]) || double.IsNaN(b[f])) continue;
            denominator += weights[f];
            if (nominal[f]) { if (a[f] != b[f]) numerator += weights[f]; }
            else numerator += weights[f] * Math.Abs(a[f] - b[f]);
        }
        return denominator == 0 ? double.NaN : numerator / denominator;
    }

    /// <summary>
    /// Dissimilarities d(i+1..n−1, i): numerator and weight sum accumulated feature by feature. A feature without any
    /// missing value adds its weight to every pair, so it enters the weight sum as one constant instead of a masked
    /// vector add (the sum is then formed in a different order than daisy's, which changes it by at most an ulp).
    /// Returns whether some pair had no feature in common (NaN).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool FillColumn(int i, int n, Span<double> numerator, Span<double> denominator)
    {
        int start = i + 1;
        int length = n - start;
        int width = Vector<double>.Count;
        double constantWeight = 0;
        bool pairwiseWeights = false;
        for (int f = 0; f < scaled.Length; f++)
            if (incomplete[f] && !double.IsNaN(scaled[f][i])) { pairwiseWeights = true; break; }
        if (!pairwiseWeights) return FillComplete(i, numerator);
        numerator.Clear();
        denominator.Clear();
        for (int f = 0; f < scaled.Length; f++)
        {
            double xi = scaled[f][i];
            if (double.IsNaN(xi)) continue;
            double w = weights[f];
            var x = scaled[f].AsSpan(start, length);
            var wv = new Vector<double>(w);
            var xiv = new Vector<double>(xi);
            int k = 0;
            if (!incomplete[f])
            {
                constantWeight += w;
                if (nominal[f])
                    for (; k <= length - width; k += width)
                    {
                        var differ = ~Vector.Equals(new Vector<double>(x[k..]), xiv);
                        (Vector.ConditionalSelect(differ, wv, Vector<double>.Zero) + new Vector<double>(numerator[k..])).CopyTo(numerator[k..]);
                    }
                else
                    for (; k <= length - width; k += width)
                        (wv * Vector.Abs(new Vector<double>(x[k..]) - xiv) + new Vector<double>(numerator[k..])).CopyTo(numerator[k..]);
                for (; k < length; k++)
                    numerator[k] += nominal[f] ? (x[k] != xi ? w : 0) : w * Math.Abs(x[k] - xi);
                continue;
            }
            if (nominal[f])
            {
                for (; k <= length - width; k += width)
                {
                    var v = new Vector<double>(x[k..]);
                    var present = Vector.Equals(v, v);
                    var differ = Vector.AndNot(present, Vector.Equals(v, xiv));
                    (Vector.ConditionalSelect(differ, wv, Vector<double>.Zero) + new Vector<double>(numerator[k..])).CopyTo(numerator[k..]);
                    (Vector.ConditionalSelect(present, wv, Vector<double>.Zero) + new Vector<double>(denominator[k..])).CopyTo(denominator[k..]);
                }
                for (; k < length; k++)
                {
                    double v = x[k];
                    if (double.IsNaN(v)) continue;
                    denominator[k] += w;
                    if (v != xi) numerator[k] += w;
                }
            }
            else
            {
                for (; k <= length - width; k += width)
                {
                    var v = new Vector<double>(x[k..]);
                    var present = Vector.Equals(v, v);
                    var term = wv * Vector.Abs(v - xiv);
                    (Vector.ConditionalSelect(present, term, Vector<double>.Zero) + new Vector<double>(numerator[k..])).CopyTo(numerator[k..]);
                    (Vector.ConditionalSelect(present, wv, Vector<double>.Zero) + new Vector<double>(denominator[k..])).CopyTo(denominator[k..]);
                }
                for (; k < length; k++)
                {
                    double v = x[k];
                    if (double.IsNaN(v)) continue;
                    denominator[k] += w;
                    numerator[k] += w * Math.Abs(v - xi);
                }
            }
        }
        bool missing = false;
        for (int k = 0; k < length; k++)
        {
            double total = denominator[k] + constantWeight;
            missing |= total == 0;
            numerator[k] = total == 0 ? double.NaN : numerator[k] / total;
        }
        return missing;
    }

    /// <summary>
    /// <see cref="FillColumn"/> when every feature that patient i has is complete: d = Σ_f w_f d^f / Σ_f w_f over those
    /// features, the same additions in the same order, but four vectors of pairs at a time held in registers across the
    /// features and stored once (not a read-modify-write of the column per feature). A weight of 1 is not multiplied
    /// (1 · x = x exactly). Returns whether the pairs have no feature in common (all NaN).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool FillComplete(int i, Span<double> result)
    {
        int start = i + 1, length = result.Length, width = Vector<double>.Count, p = scaled.Length;
        Span<int> used = stackalloc int[p];
        int features = 0;
        double constantWeight = 0;
        for (int f = 0; f < p; f++)
            if (!incomplete[f]) { used[features++] = f; constantWeight += weights[f]; }
        if (constantWeight == 0) { result.Fill(double.NaN); return length > 0; }
        var total = new Vector<double>(constantWeight);
        int k = 0;
        for (; k <= length - 4 * width; k += 4 * width)
        {
            Vector<double> a0 = Vector<double>.Zero, a1 = Vector<double>.Zero, a2 = Vector<double>.Zero, a3 = Vector<double>.Zero;
            for (int u = 0; u < features; u++)
            {
                int f = used[u];
                var x = new ReadOnlySpan<double>(scaled[f], start + k, 4 * width);
                var xi = new Vector<double>(scaled[f][i]);
                Vector<double> v0 = new(x), v1 = new(x[width..]), v2 = new(x[(2 * width)..]), v3 = new(x[(3 * width)..]);
                if (nominal[f])
                {
                    var w = new Vector<double>(weights[f]);
                    a0 += Vector.ConditionalSelect(Vector.Equals(v0, xi), Vector<double>.Zero, w);
                    a1 += Vector.ConditionalSelect(Vector.Equals(v1, xi), Vector<double>.Zero, w);
                    a2 += Vector.ConditionalSelect(Vector.Equals(v2, xi), Vector<double>.Zero, w);
                    a3 += Vector.ConditionalSelect(Vector.Equals(v3, xi), Vector<double>.Zero, w);
                }
                else if (weights[f] == 1)
                {
                    a0 += Vector.Abs(v0 - xi);
                    a1 += Vector.Abs(v1 - xi);
                    a2 += Vector.Abs(v2 - xi);
                    a3 += Vector.Abs(v3 - xi);
                }
                else
                {
                    var w = new Vector<double>(weights[f]);
                    a0 += w * Vector.Abs(v0 - xi);
                    a1 += w * Vector.Abs(v1 - xi);
                    a2 += w * Vector.Abs(v2 - xi);
                    a3 += w * Vector.Abs(v3 - xi);
                }
            }
            (a0 / total).CopyTo(result[k..]);
            (a1 / total).CopyTo(result[(k + width)..]);
            (a2 / total).CopyTo(result[(k + 2 * width)..]);
            (a3 / total).CopyTo(result[(k + 3 * width)..]);
        }
        for (; k < length; k++)
        {
            double numerator = 0;
            for (int u = 0; u < features; u++)
            {
                int f = used[u];
                double x = scaled[f][start + k], xi = scaled[f][i];
                numerator += nominal[f] ? (x != xi ? weights[f] : 0) : weights[f] * Math.Abs(x - xi);
            }
            result[k] = numerator / constantWeight;
        }
        return false;
    }
}
