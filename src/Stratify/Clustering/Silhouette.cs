using System.Globalization;
using System.Runtime.CompilerServices;

namespace Stratify.Clustering;

/// <summary>Silhouette widths of a clustering.</summary>
/// <param name="Widths">s(i) per object (NaN for objects not in <see cref="Objects"/> when sampled).</param>
/// <param name="Neighbour">The nearest other cluster b(i) came from, per object (−1 when not computed).</param>
/// <param name="Average">Mean of s(i) over the objects computed (R's <c>summary(silhouette)$avg.width</c>).</param>
/// <param name="ClusterAverages">Mean s(i) per cluster.</param>
/// <param name="Objects">Null when exact over all objects; otherwise the sampled objects the widths were computed for.</param>
internal sealed record SilhouetteResult(double[] Widths, int[] Neighbour, double Average, double[] ClusterAverages, int[]? Objects);

/// <summary>
/// Silhouette widths (Rousseeuw 1987, J Comput Appl Math 20:53–65), as R's <c>cluster::silhouette(clustering, dist)</c>:
///   a(i) = Σ_{j∈A, j≠i} d(i,j) / (|A| − 1),  b(i) = min_{C≠A} Σ_{j∈C} d(i,j) / |C|,
///   s(i) = (b(i) − a(i)) / max(a(i), b(i)),  and s(i) = 0 when i is alone in its cluster or a(i) = b(i).
/// Exact: one streaming pass over the packed triangle accumulating per-object cluster sums (parallel over column
/// blocks, per-thread sums). Sampled (large n): s(i) for a seeded random sample of objects against all objects (on Gower
/// dissimilarities several sampled objects share one pass over the data, one per SIMD lane).
/// <example><code>
/// var sil = Silhouette.Compute(d, fit.Assignment, fit.K);   // sil.Average = summary(silhouette(pam(d, k)))$avg.width
/// </code></example>
/// </summary>
internal static class Silhouette
{
    public static SilhouetteResult Compute(DissimilarityMatrix d, int[] assignment, int k, int maxDegreeOfParallelism = -1)
    {
        int n = d.Count;
        Check(assignment, n, k);
        var packed = d.Packed;
        var bounds = d.ColumnBlocks(16); // fixed blocks: the sums do not depend on the machine's core count
        int blocks = bounds.Length - 1;
        var partial = new double[blocks][];
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism },
            [MethodImpl(MethodImplOptions.AggressiveOptimization)] (b) =>
        {
            var sums = new double[(long)n * k];
            for (int i = bounds[b]; i < bounds[b + 1]; i++)
            {
                int ci = assignment[i];
                long l = d.ColumnStart(i);
                long rowI = (long)k * i;
                for (int j = i + 1; j < n; j++, l++)
                {
                    double v = packed[l];
                    sums[rowI + assignment[j]] += v;
                    sums[(long)k * j + ci] += v;
                }
            }
            partial[b] = sums;
        });
        var total = partial[0];
        for (int b = 1; b < blocks; b++)
        {
            var p = partial[b];
            for (long t = 0; t < total.LongLength; t++) total[t] += p[t];
        }
        var counts = Counts(assignment, k);
        var widths = new double[n];
        var neighbour = new int[n];
        var sumsOfI = new double[k];
        for (int i = 0; i < n; i++)
        {
            Array.Copy(total, (long)k * i, sumsOfI, 0, k);
            (widths[i], neighbour[i]) = Width(sumsOfI, counts, assignment[i]);
        }
        return Summarise(widths, neighbour, assignment, k, null);
    }

    /// <summary>Silhouette widths for a seeded random sample of <paramref name="sampleSize"/> objects (each against all
    /// objects, dissimilarities computed on demand by <paramref name="pair"/>) — for cohorts too large for the full matrix.</summary>
    public static SilhouetteResult Sampled(int n, Func<int, int, double> pair, int[] assignment, int k, int sampleSize, int seed)
    {
        Check(assignment, n, k);
        var objects = Sample(n, sampleSize, seed);
        var sums = new double[(long)objects.Length * k];
        Parallel.For(0, objects.Length, t =>
        {
            int i = objects[t];
            var own = sums.AsSpan(t * k, k);
            for (int j = 0; j < n; j++) if (j != i) own[assignment[j]] += pair(i, j);
        });
        return FromSampleSums(objects, sums, assignment, k);
    }

    /// <summary>
    /// <see cref="Sampled(int, Func{int, int, double}, int[], int, int, int)"/> on Gower dissimilarities, the same sample
    /// and the same numbers bit for bit, computed several sampled patients at a time (<see cref="GowerDissimilarity.ClusterSums"/>):
    /// at 1,000,000 patients, 2,000 × 10⁶ dissimilarities per k. <paramref name="progress"/> is told of each patient done.
    /// </summary>
    public static SilhouetteResult Sampled(GowerDissimilarity gower, int[] assignment, int k, int sampleSize, int seed, Action<int>? progress = null)
    {
        Check(assignment, gower.Count, k);
        var objects = Sample(gower.Count, sampleSize, seed);
        return FromSampleSums(objects, gower.ClusterSums(objects, assignment, k, progress), assignment, k);
    }

    /// <summary>A seeded random sample of min(size, n) objects, in increasing order.</summary>
    private static int[] Sample(int n, int size, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).OrderBy(_ => rng.Next()).Take(Math.Min(size, n)).Order().ToArray();
    }

    /// <summary>Widths from each sampled object's dissimilarity sums per cluster (sums[t·k + c] for objects[t]).</summary>
    private static SilhouetteResult FromSampleSums(int[] objects, double[] sums, int[] assignment, int k)
    {
        int n = assignment.Length;
        var counts = Counts(assignment, k);
        var widths = new double[n];
        Array.Fill(widths, double.NaN);
        var neighbour = new int[n];
        Array.Fill(neighbour, -1);
        var own = new double[k];
        for (int t = 0; t < objects.Length; t++)
        {
            Array.Copy(sums, (long)t * k, own, 0, k);
            (widths[objects[t]], neighbour[objects[t]]) = Width(own, counts, assignment[objects[t]]);
        }
        return Summarise(widths, neighbour, assignment, k, objects);
    }

    private static (double Width, int Neighbour) Width(double[] sums, int[] counts, int ci)
    {
        int k = counts.Length;
        bool alone = counts[ci] == 1;
        double a = alone ? 0 : sums[ci] / (counts[ci] - 1);
        double b = double.PositiveInfinity;
        int neighbour = -1;
        for (int c = 0; c < k; c++)
        {
            if (c == ci || counts[c] == 0) continue;
            double mean = sums[c] / counts[c];
            if (mean < b) { b = mean; neighbour = c; }
        }
        double s = !alone && b != a && neighbour >= 0 ? (b - a) / Math.Max(a, b) : 0;
        return (s, neighbour);
    }

    private static SilhouetteResult Summarise(double[] widths, int[] neighbour, int[] assignment, int k, int[]? objects)
    {
        var clusterSum = new double[k];
        var clusterCount = new int[k];
        double total = 0;
        int count = 0;
        for (int i = 0; i < widths.Length; i++)
        {
            if (double.IsNaN(widths[i])) continue;
            total += widths[i];
            count++;
            clusterSum[assignment[i]] += widths[i];
            clusterCount[assignment[i]]++;
        }
        var clusterAverages = new double[k];
        for (int c = 0; c < k; c++) clusterAverages[c] = clusterCount[c] == 0 ? double.NaN : clusterSum[c] / clusterCount[c];
        return new SilhouetteResult(widths, neighbour, total / count, clusterAverages, objects);
    }

    internal static int[] Counts(int[] assignment, int k)
    {
        var counts = new int[k];
        foreach (int c in assignment) counts[c]++;
        return counts;
    }

    private static void Check(int[] assignment, int n, int k)
    {
        if (assignment.Length != n) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"assignment has {assignment.Length} entries for {n} objects"));
        foreach (int c in assignment)
            if (c < 0 || c >= k) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"cluster {c} outside 0..{k - 1}"));
    }
}
