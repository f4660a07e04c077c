namespace Stratify.Clustering;

/// <summary>Bootstrap stability of a clustering.</summary>
/// <param name="MeanJaccard">Per cluster (0-based index as the assignment): mean over resamples of the best Jaccard
/// similarity with a cluster of the resample (fpc::clusterboot's bootmean).</param>
/// <param name="Dissolved">Per cluster: resamples in which the best Jaccard was ≤ 0.5 (clusterboot's bootbrd).</param>
/// <param name="Pac">Proportion of ambiguous clustering: share of co-sampled pairs whose consensus index lies in (0.1, 0.9).</param>
/// <param name="PacPatients">Patients whose pairs enter the PAC (all, or a seeded sample of at most 2,000).</param>
internal sealed record StabilityResult(double[] MeanJaccard, int[] Dissolved, double Pac, int Resamples, int PacPatients)
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

    /// <param name="recluster">Clusters the given distinct patients (sorted row indices) into k groups; returns one cluster per row.</param>
    /// <param name="progress">Told "bootstrap replicate b of B" after each resample (for a progress display).</param>
    public static StabilityResult Assess(int[] assignment, int k, Func<int[], int[]> recluster, int resamples, int seed, IProgress<string>? progress = null)
    {
        int n = assignment.Length;
        if (resamples < 1) throw new Data.StratifyInputException("stability needs at least one resample", value: resamples.ToString());
        var rng = new Random(seed);
        var jaccardSum = new double[k];
        var present = new int[k];
        var dissolved = new int[k];
        // Consensus over a fixed set of tracked patients (all when n ≤ 2,000).
        int[] tracked = n <= MaxPacPatients ? Enumerable.Range(0, n).ToArray()
            : Enumerable.Range(0, n).OrderBy(_ => rng.Next()).Take(MaxPacPatients).Order().ToArray();
        int m = tracked.Length;
        var together = new int[(long)m * (m - 1) / 2];
        var both = new int[(long)m * (m - 1) / 2];
        var drawnFlag = new bool[n];
        var newLabel = new int[n];
        for (int b = 0; b < resamples; b++)
        {
            Array.Clear(drawnFlag);
            for (int t = 0; t < n; t++) drawnFlag[rng.Next(n)] = true;
            var rows = new List<int>(n);
            for (int i = 0; i < n; i++) if (drawnFlag[i]) rows.Add(i);
            var sample = rows.ToArray();
            var labels = recluster(sample);
            progress?.Report($"bootstrap replicate {b + 1} of {resamples}");
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
            for (int c = 0; c < k; c++)
            {
                if (originalSize[c] == 0) continue;
                double best = 0;
                for (int d = 0; d < newK; d++)
                {
                    int inter = intersection[c * newK + d];
                    if (inter == 0) continue;
                    best = Math.Max(best, (double)inter / (originalSize[c] + newSize[d] - inter));
                }
                jaccardSum[c] += best;
                present[c]++;
                if (best <= 0.5) dissolved[c]++;
            }

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
        }
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
        return new StabilityResult(mean, dissolved, pairs == 0 ? double.NaN : (double)ambiguous / pairs, resamples, m);
    }
}
