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

    /// <summary>All n(n−1)/2 dissimilarities, columns of the triangle in parallel.</summary>
    public DissimilarityMatrix Matrix(int maxDegreeOfParallelism = -1)
    {
        int n = Count;
        // Every entry is written by exactly one column task, so the array need not be zeroed first.
        var packed = GC.AllocateUninitializedArray<double>(checked((int)((long)n * (n - 1) / 2)));
        var result = new DissimilarityMatrix(n, packed);
        Parallel.For(0, Math.Max(n - 1, 0), new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism },
            () => new double[n],
            (i, _, denominator) =>
            {
                FillColumn(i, n, packed.AsSpan((int)result.ColumnStart(i), n - i - 1), denominator.AsSpan(0, n - i - 1));
                return denominator;
            },
            _ => { });
        return result;
    }

    /// <summary>(min, max − min) over the observed values; daisy uses a range of 1 for a constant column.</summary>
    private static (double Minimum, double Range) Range(double[] values)
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
    /// Dissimilarities d(i+1..n−1, i): numerator and weight sum accumulated feature by feature. A feature without any
    /// missing value adds its weight to every pair, so it enters the weight sum as one constant instead of a masked
    /// vector add (the sum is then formed in a different order than daisy's, which changes it by at most an ulp).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FillColumn(int i, int n, Span<double> numerator, Span<double> denominator)
    {
        numerator.Clear();
        int start = i + 1;
        int length = n - start;
        int width = Vector<double>.Count;
        double constantWeight = 0;
        bool pairwiseWeights = false;
        for (int f = 0; f < scaled.Length; f++)
            if (incomplete[f] && !double.IsNaN(scaled[f][i])) { pairwiseWeights = true; break; }
        if (pairwiseWeights) denominator.Clear();
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
        if (!pairwiseWeights)
        {
            if (constantWeight == 0) numerator.Fill(double.NaN);
            else for (int k = 0; k < length; k++) numerator[k] /= constantWeight;
            return;
        }
        for (int k = 0; k < length; k++)
        {
            double total = denominator[k] + constantWeight;
            numerator[k] = total == 0 ? double.NaN : numerator[k] / total;
        }
    }
}
