using System.Globalization;

namespace Stratify.Clustering;

/// <summary>Which k the gap statistic recommends (R's <c>cluster::maxSE</c> methods).</summary>
internal enum GapRule
{
    /// <summary>The smallest k whose gap is within one SE of the first local maximum (cluster's default).</summary>
    FirstSEMax,
    /// <summary>Tibshirani et al. (2001): the smallest k with Gap(k) ≥ Gap(k+1) − SE(k+1).</summary>
    Tibs2001SEMax,
}

/// <summary>Gap statistic values for k = 1..K.</summary>
/// <param name="LogW">log W_k of the data.</param>
/// <param name="ExpectedLogW">Mean log W_k over the B reference sets.</param>
/// <param name="Gap">E*[log W_k] − log W_k.</param>
/// <param name="StandardError">sqrt(1 + 1/B) × SD of the reference log W_k (R's SE.sim).</param>
internal sealed record GapResult(double[] LogW, double[] ExpectedLogW, double[] Gap, double[] StandardError, int ReferenceSets)
{
    /// <summary>The recommended k (1-based, as the table's k) by <paramref name="rule"/>.</summary>
    public int Recommend(GapRule rule = GapRule.FirstSEMax) => GapStatistic.MaxSE(Gap, StandardError, rule);
}

/// <summary>
/// The gap statistic (Tibshirani, Walther &amp; Hastie 2001, JRSS B 63:411–423) as R's <c>cluster::clusGap</c> with
/// <c>d.power = 1</c> and <c>spaceH0 = "original"</c>:
///   W_k = ½ Σ_r D_r / n_r,  D_r = Σ_{i&lt;j ∈ r} d_ij (each pair once, as R's dist),
///   Gap(k) = mean_b log W*_kb − log W_k,  SE(k) = sqrt(1 + 1/B) · sd_b(log W*_kb),
/// with B reference sets drawn uniformly over the range of each feature (categorical and ordinal features: uniformly
/// over their observed codes), clustered by the same method. R's default reference is "scaledPCA" (uniform in the
/// principal-component box); "original" is used here because it applies to mixed data too.
/// <example><code>
/// var gap = GapStatistic.Compute(coords, GapStatistic.UniformReference, maxK: 8, referenceSets: 20, seed: 1,
///     (x, k) => { var d = DissimilarityMatrix.Euclidean(x); return (PartitioningAroundMedoids.Fit(d, new(Math.Max(k, 1))).Assignment, d); });
/// int k = gap.Recommend(GapRule.FirstSEMax);
/// </code></example>
/// </summary>
internal static class GapStatistic
{
    /// <summary>W_k from a partition and its dissimilarities (clusGap's W.k with d.power = 1).</summary>
    public static double WithinDispersion(DissimilarityMatrix d, int[] assignment, int k)
    {
        var sums = new double[k];
        var counts = Silhouette.Counts(assignment, k);
        int n = d.Count;
        var packed = d.Packed;
        for (int i = 0; i < n - 1; i++)
        {
            long l = d.ColumnStart(i);
            int ci = assignment[i];
            for (int j = i + 1; j < n; j++, l++) if (assignment[j] == ci) sums[ci] += packed[l];
        }
        double w = 0;
        for (int c = 0; c < k; c++) if (counts[c] > 0) w += sums[c] / counts[c];
        return 0.5 * w;
    }

    /// <summary>
    /// Gap statistic for k = 1..maxK. <paramref name="drawReference"/> draws one reference data set like
    /// <paramref name="data"/> (<see cref="UniformReference(FeatureSet, Random)"/> or
    /// <see cref="UniformReference(CoordinateMatrix, Random)"/>); <paramref name="cluster"/> partitions a data set into k
    /// clusters and returns the assignment and the dissimilarities it used (called with k = 1 too, where only the
    /// dissimilarities matter).
    /// </summary>
    public static GapResult Compute<T>(T data, Func<T, Random, T> drawReference, int maxK, int referenceSets, int seed,
        Func<T, int, (int[] Assignment, DissimilarityMatrix Dissimilarities)> cluster)
    {
        if (referenceSets < 2) throw new Data.StratifyInputException("the gap statistic needs at least 2 reference sets", value: referenceSets.ToString(CultureInfo.InvariantCulture));
        var logW = LogDispersions(data, maxK, cluster);
        var rng = new Random(seed);
        var reference = new double[referenceSets][];
        for (int b = 0; b < referenceSets; b++) reference[b] = LogDispersions(drawReference(data, rng), maxK, cluster);
        var expected = new double[maxK];
        var se = new double[maxK];
        var gap = new double[maxK];
        for (int k = 0; k < maxK; k++)
        {
            double mean = 0;
            for (int b = 0; b < referenceSets; b++) mean += reference[b][k];
            mean /= referenceSets;
            double ss = 0;
            for (int b = 0; b < referenceSets; b++) ss += (reference[b][k] - mean) * (reference[b][k] - mean);
            expected[k] = mean;
            se[k] = Math.Sqrt((1 + 1.0 / referenceSets) * ss / (referenceSets - 1));
            gap[k] = mean - logW[k];
        }
        return new GapResult(logW, expected, gap, se, referenceSets);
    }

    private static double[] LogDispersions<T>(T data, int maxK, Func<T, int, (int[] Assignment, DissimilarityMatrix Dissimilarities)> cluster)
    {
        var result = new double[maxK];
        for (int k = 1; k <= maxK; k++)
        {
            var (assignment, d) = cluster(data, k);
            result[k - 1] = Math.Log(WithinDispersion(d, k == 1 ? new int[d.Count] : assignment, k));
        }
        return result;
    }

    /// <summary>A reference matrix: each column uniform over its observed range (clusGap's spaceH0 = "original").</summary>
    public static CoordinateMatrix UniformReference(CoordinateMatrix x, Random rng)
    {
        int n = x.Rows, p = x.Columns;
        var min = new double[p];
        var max = new double[p];
        Array.Fill(min, double.PositiveInfinity);
        Array.Fill(max, double.NegativeInfinity);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < p; j++) { double v = x.Data[i * p + j]; min[j] = Math.Min(min[j], v); max[j] = Math.Max(max[j], v); }
        var data = new double[n * p];
        for (int j = 0; j < p; j++)
            for (int i = 0; i < n; i++) data[i * p + j] = min[j] + (max[j] - min[j]) * rng.NextDouble();
        return x with { Data = data };
    }

    /// <summary>A reference set: each feature drawn independently and uniformly over its observed range (numeric) or its
    /// observed codes (categorical, ordinal); missing values stay where they were.</summary>
    public static FeatureSet UniformReference(FeatureSet features, Random rng)
    {
        var drawn = new List<Feature>(features.Features.Count);
        foreach (var f in features.Features)
        {
            double min = double.PositiveInfinity, max = double.NegativeInfinity;
            foreach (double v in f.Values) if (!double.IsNaN(v)) { min = Math.Min(min, v); max = Math.Max(max, v); }
            var values = new double[f.Values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                if (double.IsNaN(f.Values[i])) { values[i] = double.NaN; continue; }
                values[i] = f.Role == FeatureRole.Numeric
                    ? min + (max - min) * rng.NextDouble()
                    : rng.Next((int)min, (int)max + 1);
            }
            drawn.Add(f with { Values = values });
        }
        return new FeatureSet(drawn, features.SourceRows, features.Missing);
    }

    /// <summary>R's <c>cluster::maxSE(f, SE.f, method)</c>; returns a 1-based index.</summary>
    public static int MaxSE(double[] f, double[] se, GapRule rule = GapRule.FirstSEMax)
    {
        int K = f.Length;
        if (rule == GapRule.Tibs2001SEMax)
        {
            for (int k = 0; k < K - 1; k++) if (f[k] >= f[k + 1] - se[k + 1]) return k + 1;
            return K;
        }
        int nc = K; // first local maximum: first k with f[k+1] <= f[k]
        for (int k = 0; k < K - 1; k++) if (f[k + 1] - f[k] <= 0) { nc = k + 1; break; }
        for (int k = 0; k < nc - 1; k++) if (f[k] >= f[nc - 1] - se[nc - 1]) return k + 1;
        return nc;
    }
}
