using System.Globalization;

namespace Stratify.Clustering;

/// <summary>Bootstrap stability of a clustering.</summary>
/// <param name="MeanJaccard">Per cluster (0-based index as the assignment): mean over resamples of the best Jaccard
/// similarity with a cluster of the resample (fpc::clusterboot's bootmean).</param>
/// <param name="Dissolved">Per cluster: resamples in which the best Jaccard was ≤ 0.5 (clusterboot's bootbrd).</param>
/// <param name="Pac">Proportion of ambiguous clustering: share of co-sampled pairs whose consensus index lies in (0.1, 0.9).</param>
/// <param name="PacPatients">Patients whose pairs enter the PAC (all, or a seeded sample of at most 2,000; 0 when the PAC
/// is not computed, as for subsamples).</param>
/// <param name="Subsample">m of m-out-of-n subsampling (each replicate m distinct patients drawn without replacement);
/// null for the bootstrap of all n patients.</param>
internal sealed record StabilityResult(double[] MeanJaccard, int[] Dissolved, double Pac, int Resamples, int PacPatients, int? Subsample = null)
{
    /// <summary>clusterboot's reading: mean Jaccard ≤ 0.5 "dissolved", &lt; 0.6 "unstable", otherwise "stable"
    /// (Hennig 2007 calls ≥ 0.75 "valid, stable" and 0.6–0.75 "patterns"; both are reported as stable here).</summary>
    public string Verdict(int cluster) => MeanJaccard[cluster] <= 0.5 ? "dissolved" : MeanJaccard[cluster] < 0.6 ? "unstable" : "stable";
}

/// <summary>
/// Cluster stability by resampling.
/// Jaccard (Hennig 2007, "Cluster-wise assessment of cluster stability", CSDA 52:258–271; fpc::clusterboot with
/// bootmethod "boot"): draw n patients with replacement, re-cluster the distinct drawn patients with the same method and
/// k, and for each original cluster C (restricted to the drawn patients) take max_D |C ∩ D| / |C ∪ D| over the new
/// clusters D; average over the resamples in which C was drawn. Difference from clusterboot: duplicates are clustered
/// once (clusterboot clusters the sample with its duplicates).
/// Consensus (Monti et al. 2003): M_ij = (resamples with i, j in one cluster) / (resamples containing both);
/// PAC (Şenbabaoğlu, Michailidis &amp; Li 2014, Sci Rep 4:6207) = share of pairs with 0.1 &lt; M_ij &lt; 0.9, over pairs
/// drawn together at least once; low is stable. Deterministic from the seed.
/// <example><code>
/// var stability = ClusterStability.Assess(fit.Assignment, fit.K,
///     rows => PartitioningAroundMedoids.Fit(d.Subset(rows), new KMedoidsOptions(fit.K)).Assignment, resamples: 50, seed: 1);
/// string verdict = stability.Verdict(0);   // "stable", "unstable" or "dissolved"
/// </code></example>
/// </summary>
internal static class ClusterStability
{
    private const int MaxPacPatients = 2000;

    /// <summary>m of the m-out-of-n stability: ⌊n/2⌋ (clusterboot's default subset size), at most <paramref name="limit"/>.</summary>
    public static int SubsampleSize(int n, int limit) => Math.Min(n / 2, limit);

    /// <param name="recluster">Clusters the given distinct patients (sorted row indices) into k groups; returns one cluster per row.</param>
    /// <param name="progress">Told "bootstrap replicate b of B" after each resample (for a progress display), and at
    /// least every 10 s the time left (<see cref="Diagnostics.ProgressMeter"/>, on <paramref name="clock"/>).</param>
    public static StabilityResult Assess(int[] assignment, int k, Func<int[], int[]> recluster, int resamples, int seed, IProgress<string>? progress = null,
        TimeProvider? clock = null)
    {
        int n = assignment.Length;
        if (resamples < 1) throw new Data.StratifyInputException("stability needs at least one resample", value: resamples.ToString(CultureInfo.InvariantCulture));
        var rng = new Random(seed);
        // Consensus over a fixed set of tracked patients (all when n ≤ 2,000).
        int[] tracked = n <= MaxPacPatients ? Enumerable.Range(0, n).ToArray()
            : Enumerable.Range(0, n).OrderBy(_ => rng.Next()).Take(MaxPacPatients).Order().ToArray();
        var drawnFlag = new bool[n];
        int[] Draw()
        {
            Array.Clear(drawnFlag);
            for (int t = 0; t < n; t++) drawnFlag[rng.Next(n)] = true;
            var rows = new List<int>(n);
            for (int i = 0; i < n; i++) if (drawnFlag[i]) rows.Add(i);
            return rows.ToArray();
        }
        var replicates = new Replicates(assignment, k, tracked);
        var meter = new Diagnostics.ProgressMeter(progress, "bootstrap replicates", resamples, clock);
        for (int b = 0; b < resamples; b++)
        {
            replicates.Add(Draw(), recluster);
            progress?.Report(string.Create(CultureInfo.InvariantCulture, $"bootstrap replicate {b + 1} of {resamples}"));
            meter.Advance();
        }
        return replicates.Result(null);
    }

    /// <summary>
    /// m-out-of-n stability: <paramref name="resamples"/> replicates of <paramref name="subsample"/> patients drawn
    /// without replacement (Floyd's algorithm on the seeded stream, indices sorted), each re-clustered by
    /// <paramref name="recluster"/> and compared with <paramref name="assignment"/> on the same patients.
    /// </summary>
    /// <param name="progress">Told "subsample replicate b of B (m of n patients)" after each replicate, and the time left.</param>
    public static StabilityResult Subsampled(int[] assignment, int k, Func<int[], int[]> recluster, int resamples, int subsample, int seed,
        IProgress<string>? progress = null, TimeProvider? clock = null)
    {
        int n = assignment.Length;
        if (resamples < 1) throw new Data.StratifyInputException("stability needs at least one resample", value: resamples.ToString(CultureInfo.InvariantCulture));
        if (subsample < 2 || subsample > n) throw new ArgumentOutOfRangeException(nameof(subsample), string.Create(CultureInfo.InvariantCulture, $"m must lie in 2..{n}"));
        var rng = new Random(seed);
        var replicates = new Replicates(assignment, k, []);
        var meter = new Diagnostics.ProgressMeter(progress, string.Create(CultureInfo.InvariantCulture, $"subsample replicates ({subsample:N0} of {n:N0} patients each)"), resamples, clock);
        for (int b = 0; b < resamples; b++)
        {
            replicates.Add(Draw(n, subsample, rng), recluster);
            progress?.Report(string.Create(CultureInfo.InvariantCulture, $"subsample replicate {b + 1} of {resamples} ({subsample:N0} of {n:N0} patients)"));
            meter.Advance();
        }
        return replicates.Result(subsample);
    }

    /// <summary>Per replicate (rows) and cluster (columns), the best Jaccard of the cluster restricted to the given
    /// patients (NaN when none of its patients was drawn): clusterboot's subsetresult, for fixed subsamples.</summary>
    internal static double[][] Jaccards(int[] assignment, int k, IReadOnlyList<int[]> subsamples, Func<int[], int[]> recluster)
    {
        var replicates = new Replicates(assignment, k, []);
        var result = new double[subsamples.Count][];
        for (int b = 0; b < subsamples.Count; b++) result[b] = replicates.Add(subsamples[b], recluster);
        return result;
    }

    /// <summary>m distinct indices of 0..n−1, uniformly without replacement (Floyd 1987), sorted.</summary>
    internal static int[] Draw(int n, int m, Random rng)
    {
        var chosen = new HashSet<int>(m);
        for (int j = n - m; j < n; j++)
        {
            int t = rng.Next(j + 1);
            if (!chosen.Add(t)) chosen.Add(j);
        }
        var rows = chosen.ToArray();
        Array.Sort(rows);
        return rows;
    }

    /// <summary>The running sums over replicates: best Jaccard per cluster, dissolutions, and the consensus of the tracked pairs.</summary>
    private sealed class Replicates(int[] assignment, int k, int[] tracked)
    {
        private readonly double[] jaccardSum = new double[k];
        private readonly int[] present = new int[k];
        private readonly int[] dissolved = new int[k];
        private readonly int[] together = new int[(long)tracked.Length * (tracked.Length - 1) / 2];
        private readonly int[] both = new int[(long)tracked.Length * (tracked.Length - 1) / 2];
        private readonly int[] newLabel = new int[assignment.Length];
        private int resamples;

        /// <summary>Clusters the drawn patients (sorted, distinct) and adds the comparison; returns the best Jaccard per cluster.</summary>
        public double[] Add(int[] sample, Func<int[], int[]> recluster)
        {
            var labels = recluster(sample);
            resamples++;
            Array.Fill(newLabel, -1);
            int newK = 0;
            for (int t = 0; t < sample.Length; t++) { newLabel[sample[t]] = labels[t]; newK = Math.Max(newK, labels[t] + 1); }

            var intersection = new int[k * newK];
            var originalSize = new int[k];
            var newSize = new int[newK];
            foreach (int i in sample)
            {
                intersection[assignment[i] * newK + newLabel[i]]++;
                originalSize[assignment[i]]++;
                newSize[newLabel[i]]++;
            }
            var bestOf = new double[k];
            for (int c = 0; c < k; c++)
            {
                if (originalSize[c] == 0) { bestOf[c] = double.NaN; continue; }
                double best = 0;
                for (int d = 0; d < newK; d++)
                {
                    int inter = intersection[c * newK + d];
                    if (inter == 0) continue;
                    best = Math.Max(best, (double)inter / (originalSize[c] + newSize[d] - inter));
                }
                bestOf[c] = best;
                jaccardSum[c] += best;
                present[c]++;
                if (best <= 0.5) dissolved[c]++;
            }

            int m = tracked.Length;
            long l = 0;
            for (int a = 0; a < m; a++)
            {
                int ia = tracked[a];
                int la = newLabel[ia];
                if (la < 0) { l += m - a - 1; continue; }
                for (int c = a + 1; c < m; c++, l++)
                {
                    int lc = newLabel[tracked[c]];
                    if (lc < 0) continue;
                    both[l]++;
                    if (lc == la) together[l]++;
                }
            }
            return bestOf;
        }

        public StabilityResult Result(int? subsample)
        {
            var mean = new double[k];
            for (int c = 0; c < k; c++) mean[c] = present[c] == 0 ? double.NaN : jaccardSum[c] / present[c];
            long ambiguous = 0, pairs = 0;
            for (long l = 0; l < both.LongLength; l++)
            {
                if (both[l] == 0) continue;
                pairs++;
                double consensus = (double)together[l] / both[l];
                if (consensus > 0.1 && consensus < 0.9) ambiguous++;
            }
            return new StabilityResult(mean, dissolved, pairs == 0 ? double.NaN : (double)ambiguous / pairs, resamples, tracked.Length, subsample);
        }
    }
}
